// Reference embeddings from TF.js itself (pure-JS CPU backend) for a bundled backbone cut at one
// layer (a feature map is averaged over height and width, as backbone.pooling=avg does), on a few
// SIZE x SIZE PNGs this script also writes. The Java parity tests read both and need no node.
// Run: npm ci && node tfjs-reference.js MODEL_DIR OUT_DIR [SIZE=224] [LAYER=flatten_1]
//   MobileNetV2: node tfjs-reference.js mobilenet_v2/ OUT
//   InceptionV3: node tfjs-reference.js inception_v3/ OUT 299 mixed5
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { PNG } = require('pngjs');
const tf = require('@tensorflow/tfjs');

const [modelDir, outDir, sizeArg, layerArg] = process.argv.slice(2);
const SIZE = Number(sizeArg || 224);
const LAYER = layerArg || 'flatten_1';
// The 224 images keep their first names; other sizes get their own files.
const imageName = base => (SIZE === 224 ? `${base}.png` : `${base}-${SIZE}.png`);

function fashionMnist(file) {
  const raw = zlib.gunzipSync(fs.readFileSync(file));
  return { count: raw.readUInt32BE(4), pixels: raw.subarray(16) };
}

// Grey 28x28 -> RGB SIZE x SIZE by nearest neighbour (8x at 224): the same pixels in Java and JS.
function upscaled(mnist, index) {
  const rgb = Buffer.alloc(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const v = mnist.pixels[index * 784 + Math.floor((y * 28) / SIZE) * 28 + Math.floor((x * 28) / SIZE)];
      rgb.fill(v, (y * SIZE + x) * 3, (y * SIZE + x) * 3 + 3);
    }
  }
  return rgb;
}

// A colourful deterministic pattern, so all three channels differ.
function pattern() {
  const rgb = Buffer.alloc(SIZE * SIZE * 3);
  let seed = 12345;
  const noise = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % 32; };
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const i = (y * SIZE + x) * 3;
      rgb[i] = (x + noise()) % 256;
      rgb[i + 1] = (y * 2 + noise()) % 256;
      rgb[i + 2] = ((x ^ y) + noise()) % 256;
    }
  }
  return rgb;
}

function writePng(file, rgb) {
  const png = new PNG({ width: SIZE, height: SIZE, colorType: 2 });
  for (let p = 0; p < SIZE * SIZE; p++) {
    png.data[p * 4] = rgb[p * 3];
    png.data[p * 4 + 1] = rgb[p * 3 + 1];
    png.data[p * 4 + 2] = rgb[p * 3 + 2];
    png.data[p * 4 + 3] = 255;
  }
  fs.writeFileSync(file, PNG.sync.write(png, { colorType: 2 }));
}

async function main() {
  const json = JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8'));
  const weights = fs.readFileSync(path.join(modelDir, 'weights.bin'));
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  const model = await tf.loadLayersModel(tf.io.fromMemory(json.modelTopology, json.weightsManifest[0].weights, weightData));
  const trunk = tf.model({ inputs: model.inputs, outputs: model.getLayer(LAYER).output });

  const mnist = fashionMnist(path.join(__dirname, '../../src/main/resources/org/transferlake/source/fashion-mnist/t10k-images-idx3-ubyte.gz'));
  const images = {
    [imageName('fashion-0')]: upscaled(mnist, 0),
    [imageName('fashion-1')]: upscaled(mnist, 1),
    [imageName('pattern')]: pattern(),
  };
  fs.mkdirSync(outDir, { recursive: true });
  const lines = [];
  for (const [name, rgb] of Object.entries(images)) {
    writePng(path.join(outDir, name), rgb);
    // Re-read the PNG so the reference sees exactly the committed bytes.
    const decoded = PNG.sync.read(fs.readFileSync(path.join(outDir, name)));
    const input = new Float32Array(SIZE * SIZE * 3);
    for (let p = 0; p < SIZE * SIZE; p++) {
      for (let c = 0; c < 3; c++) input[p * 3 + c] = decoded.data[p * 4 + c] / 255; // nsfwjs: RGB/255
    }
    const output = trunk.predict(tf.tensor4d(input, [1, SIZE, SIZE, 3]));
    const embedding = (output.rank === 4 ? output.mean([1, 2]) : output).dataSync();
    lines.push([name, ...Array.from(embedding, v => v.toPrecision(9))].join(','));
    console.log(`${name}: ${embedding.length}-d, sum ${embedding.reduce((a, b) => a + b, 0).toFixed(4)}`);
  }
  fs.writeFileSync(path.join(outDir, `reference-${LAYER}.csv`), lines.join('\n') + '\n');
}

main().catch(e => { console.error(e); process.exit(1); });

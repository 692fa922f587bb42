// Reference embeddings from TF.js itself (pure-JS CPU backend) for the bundled MobileNetV2,
// cut at flatten_1, on a few 224x224 PNGs this script also writes. The Java parity test reads
// both and needs no node. Run: npm ci && node tfjs-reference.js MODEL_DIR OUT_DIR
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { PNG } = require('pngjs');
const tf = require('@tensorflow/tfjs');

const [modelDir, outDir] = process.argv.slice(2);
const SIZE = 224;

function fashionMnist(file) {
  const raw = zlib.gunzipSync(fs.readFileSync(file));
  return { count: raw.readUInt32BE(4), pixels: raw.subarray(16) };
}

// Grey 28x28 -> RGB 224x224 by 8x nearest neighbour: the same pixels in Java and JS.
function upscaled(mnist, index) {
  const rgb = Buffer.alloc(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const v = mnist.pixels[index * 784 + Math.floor(y / 8) * 28 + Math.floor(x / 8)];
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
  const trunk = tf.model({ inputs: model.inputs, outputs: model.getLayer('flatten_1').output });

  const mnist = fashionMnist(path.join(__dirname, '../../src/main/resources/org/transferlake/source/fashion-mnist/t10k-images-idx3-ubyte.gz'));
  const images = { 'fashion-0.png': upscaled(mnist, 0), 'fashion-1.png': upscaled(mnist, 1), 'pattern.png': pattern() };
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
    const embedding = trunk.predict(tf.tensor4d(input, [1, SIZE, SIZE, 3])).dataSync();
    lines.push([name, ...Array.from(embedding, v => v.toPrecision(9))].join(','));
    console.log(`${name}: ${embedding.length}-d, sum ${embedding.reduce((a, b) => a + b, 0).toFixed(4)}`);
  }
  fs.writeFileSync(path.join(outDir, 'reference-flatten_1.csv'), lines.join('\n') + '\n');
}

main().catch(e => { console.error(e); process.exit(1); });

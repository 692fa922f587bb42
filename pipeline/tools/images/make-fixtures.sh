#!/usr/bin/env bash
# Makes the committed image fixtures of the decoder tests with Debian's ImageMagick 6
# (apt-get install imagemagick). One 3x2 picture, each pixel a 16x16 block so that JPEG keeps
# the colours: red green blue / white black grey(128), in every format and colour model we read.
set -euo pipefail
out="${1:-../../src/test/resources/org/transferlake/image}"
im=/usr/bin/convert
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf 'P3\n3 2\n255\n255 0 0  0 255 0  0 0 255\n255 255 255  0 0 0  128 128 128\n' > "$work/base.ppm"
$im "$work/base.ppm" -filter point -resize 1600% "$work/big.ppm"
$im "$work/big.ppm" -strip PNG24:"$out/rgb.png"
$im "$work/big.ppm" -strip -type Palette PNG8:"$out/palette.png"
$im "$work/big.ppm" -strip -depth 16 PNG48:"$out/rgb16.png"
$im "$work/big.ppm" -strip -colorspace Gray -alpha set -channel A -evaluate set 50% +channel -type GrayscaleAlpha PNG:"$out/grey-alpha.png"
$im "$work/big.ppm" -strip BMP3:"$out/rgb.bmp"
$im "$work/big.ppm" \( "$work/big.ppm" -negate \) -strip GIF:"$out/two-frames.gif"
$im "$work/big.ppm" -strip -quality 100 JPEG:"$out/rgb.jpg"
$im "$work/big.ppm" -strip -colorspace CMYK -quality 100 JPEG:"$out/cmyk.jpg"
# ImageMagick 6 drops orientation without an EXIF profile: splice a minimal APP1 (orientation 6 =
# "rotate 90 degrees clockwise to view") right after the JPEG's SOI marker.
python3 - "$out/rgb.jpg" "$out/exif-rotate-cw.jpg" <<'PY'
import struct, sys
jpeg = open(sys.argv[1], 'rb').read()
tiff = b'MM\x00\x2a' + struct.pack('>I', 8) + struct.pack('>H', 1) + struct.pack('>HHIHH', 0x0112, 3, 1, 6, 0) + struct.pack('>I', 0)
app1 = b'Exif\x00\x00' + tiff
open(sys.argv[2], 'wb').write(jpeg[:2] + b'\xff\xe1' + struct.pack('>H', len(app1) + 2) + app1 + jpeg[2:])
PY
ls -l "$out"

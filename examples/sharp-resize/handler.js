// Resizes an image with sharp from the sharp layer (/opt/nodejs/node_modules, on Lambda's
// NODE_PATH). Event: {"image_base64": "<PNG, JPEG, WebP ...>", "width": 200}. Without an image it
// draws a 640x480 gradient first, so it can be tried with an empty event. Returns the source's
// and the result's size and format, and the resized image as base64 (a PNG).
//
// CommonJS on purpose: require() searches NODE_PATH, where Lambda puts the layers' packages;
// an ES module's `import` does not.
'use strict';
const sharp = require('sharp');

/** A 640x480 RGB gradient, red across and blue down, as raw pixels. */
function gradient(width, height) {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = Math.round((x / (width - 1)) * 255);
      pixels[i + 2] = Math.round((y / (height - 1)) * 255);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

exports.handler = async (event = {}) => {
  const width = Number(event.width ?? 200);
  if (!Number.isInteger(width) || width < 1 || width > 4096) {
    const error = new Error('width must be a whole number of pixels from 1 to 4096');
    error.name = 'InvalidEvent';
    throw error;
  }
  const input = event.image_base64 ? Buffer.from(event.image_base64, 'base64') : await gradient(640, 480);
  const source = await sharp(input).metadata();
  const output = await sharp(input).resize({ width }).png().toBuffer();
  const resized = await sharp(output).metadata();
  return {
    source: { width: source.width, height: source.height, format: source.format },
    resized: { width: resized.width, height: resized.height, format: resized.format, bytes: output.length },
    resized_base64: output.toString('base64'),
    sharp: sharp.versions.sharp,
    vips: sharp.versions.vips,
    node: process.version,
    arch: process.arch,
  };
};

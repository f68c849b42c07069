// Reading just enough of a PNG file to check it without trusting the code that wrote it.
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function hasPngSignature(png: Buffer): boolean {
  return png.subarray(0, 8).equals(SIGNATURE);
}

/** Width and height from the IHDR chunk, which must come first (bytes 16-23). */
export function ihdrSize(png: Buffer): { width: number; height: number } {
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('IHDR is not the first chunk');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The chunk types in order, walking the length fields: a truncated file throws. */
export function chunkTypes(png: Buffer): string[] {
  const types: string[] = [];
  let offset = 8;
  while (offset < png.length) {
    if (offset + 12 > png.length) throw new Error(`truncated chunk at ${offset}`);
    const length = png.readUInt32BE(offset);
    types.push(png.toString('latin1', offset + 4, offset + 8));
    offset += 12 + length;
  }
  if (offset !== png.length) throw new Error('chunk lengths overrun the file');
  return types;
}

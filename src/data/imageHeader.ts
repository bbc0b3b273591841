// The size an image declares in its header, read before it is decoded: a decoder allocates width × height ×
// 4 bytes up front, so a small file declaring 30000 × 30000 pixels would take gigabytes.

export interface ImageSize {
  width: number;
  height: number;
}

const isPng = (bytes: Uint8Array): boolean => bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
const isJpeg = (bytes: Uint8Array): boolean => bytes[0] === 0xff && bytes[1] === 0xd8;

/** Width and height from a PNG's IHDR or a JPEG's start-of-frame; null when the header is not there. */
export function declaredImageSize(bytes: Buffer): ImageSize | null {
  if (isPng(bytes)) {
    // Signature (8), IHDR length (4) and type (4), then width and height, big-endian.
    if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (isJpeg(bytes)) {
    let p = 2;
    while (p + 4 <= bytes.length) {
      if (bytes[p] !== 0xff) return null;
      const marker = bytes[p + 1];
      if (marker === 0xff) {
        p++; // fill byte
        continue;
      }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        p += 2; // markers without a length
        continue;
      }
      const length = bytes.readUInt16BE(p + 2);
      // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision (1), height (2), width (2).
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        if (p + 9 > bytes.length) return null;
        return { width: bytes.readUInt16BE(p + 7), height: bytes.readUInt16BE(p + 5) };
      }
      if (marker === 0xda || marker === 0xd9) return null; // scan data before any frame header
      p += 2 + length;
    }
  }
  return null;
}

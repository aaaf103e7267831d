/** 16-bit PCM WAV bytes from float samples (−1…1), interleaving the channels. */
export function encodeWav(channels: readonly Float32Array[], sampleRate: number): Buffer {
  const frames = channels[0]?.length ?? 0;
  const count = channels.length;
  const data = frames * count * 2;
  const out = Buffer.alloc(44 + data);
  out.write("RIFF", 0, "latin1");
  out.writeUInt32LE(36 + data, 4);
  out.write("WAVEfmt ", 8, "latin1");
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(count, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * count * 2, 28);
  out.writeUInt16LE(count * 2, 32);
  out.writeUInt16LE(16, 34);
  out.write("data", 36, "latin1");
  out.writeUInt32LE(data, 40);
  // WAV is little-endian, like every machine Node runs on.
  const samples = new Int16Array(out.buffer, out.byteOffset + 44, frames * count);
  channels.forEach((channel, c) => {
    for (let i = 0; i < frames; i++) {
      const v = Math.max(-1, Math.min(1, channel[i] as number));
      samples[i * count + c] = Math.round(v * 32767);
    }
  });
  return out;
}

using System.Buffers.Binary;
using System.IO.Compression;

namespace SimdSoftmax.Cli;

/// <summary>
/// Draws a classifier's class templates (the columns of W reshaped to the image size) side by side as a PNG:
/// red where a pixel votes for the class, blue where it votes against, white at zero, one color scale for all classes.
/// </summary>
internal static class ClassTemplateImage
{
    private const int Scale = 4, Gap = 2;

    public static void WritePng(string path, ReadOnlySpan<float> w, int rows, int columns, int classes)
    {
        int d = rows * columns;
        if (w.Length != d * classes) throw new ArgumentException("W must be (rows·columns)×classes.", nameof(w));
        float maxAbs = 1e-12f;
        foreach (float v in w) maxAbs = Math.Max(maxAbs, Math.Abs(v));
        int width = classes * columns * Scale + (classes + 1) * Gap, height = rows * Scale + 2 * Gap;
        var rgb = new byte[width * height * 3];
        rgb.AsSpan().Fill(0x60); // grey frame between templates
        for (int j = 0; j < classes; j++)
            for (int r = 0; r < rows * Scale; r++)
                for (int col = 0; col < columns * Scale; col++)
                {
                    float t = w[((r / Scale) * columns + col / Scale) * classes + j] / maxAbs;
                    byte red, green, blue;
                    if (t >= 0) { red = 255; green = blue = (byte)(255 * (1 - t)); }
                    else { blue = 255; red = green = (byte)(255 * (1 + t)); }
                    int x = Gap + j * (columns * Scale + Gap) + col, y = Gap + r;
                    int o = (y * width + x) * 3;
                    rgb[o] = red; rgb[o + 1] = green; rgb[o + 2] = blue;
                }
        System.IO.File.WriteAllBytes(path, EncodePng(rgb, width, height));
    }

    /// <summary>A minimal PNG: 8-bit RGB, one IDAT of zlib-compressed scanlines with filter 0.</summary>
    public static byte[] EncodePng(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // color type RGB; compression, filter, interlace stay 0
        WriteChunk(png, "IHDR", ihdr);
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                z.WriteByte(0);
                z.Write(rgb.Slice(y * width * 3, width * 3));
            }
        }
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream s, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> buf = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(buf, data.Length);
        s.Write(buf);
        Span<byte> typeBytes = stackalloc byte[4];
        for (int i = 0; i < 4; i++) typeBytes[i] = (byte)type[i];
        s.Write(typeBytes);
        s.Write(data);
        var crc32 = new System.IO.Hashing.Crc32();
        crc32.Append(typeBytes);
        crc32.Append(data);
        uint crc = crc32.GetCurrentHashAsUInt32();
        BinaryPrimitives.WriteUInt32BigEndian(buf, crc);
        s.Write(buf);
    }
}

using System.Buffers.Binary;
using System.IO.Compression;

namespace SimdSoftmax.Cli;

/// <summary>
/// Draws a classifier's class templates (the columns of W reshaped to the image) side by side as a PNG, each with its class
/// name underneath. Grey images (one channel): red where a pixel votes for the class, blue where it votes against, white
/// at zero, one colour scale for all classes, shown by a key under the tiles. Colour images (three channel-major planes,
/// CIFAR-10): each template's R, G, B rescaled to 0..255 with the minimum and maximum over all classes, as the course's
/// visualization does. Rows of W past the image (the bias trick's constant feature) are not drawn.
/// </summary>
internal static class ClassTemplateImage
{
    private const int Scale = 4, Gap = 4, KeyHeight = 12;
    private static readonly byte[] s_background = [0x40, 0x40, 0x40], s_text = [0xFF, 0xFF, 0xFF];

    public static void WritePng(string path, ReadOnlySpan<float> w, int channels, int rows, int columns, IReadOnlyList<string> classNames)
    {
        int classes = classNames.Count, pixels = channels * rows * columns;
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Templates are drawn for 1 (grey) or 3 (RGB) channels.");
        if (w.Length < (long)pixels * classes || w.Length % classes != 0) throw new ArgumentException("W must be at least (channels·rows·columns)×classes.", nameof(w));
        int tileW = columns * Scale, tileH = rows * Scale;
        int label = LabelScale(classNames, tileW);
        int labelH = Font.Height * label + Gap;
        bool key = channels == 1;
        int width = classes * (tileW + Gap) + Gap;
        int height = Gap + tileH + Gap + labelH + (key ? Gap + KeyHeight + Gap + Font.Height * 2 + Gap : 0) + Gap;
        var img = new Canvas(width, height);
        img.Fill(0, 0, width, height, s_background);

        float lo = float.PositiveInfinity, hi = float.NegativeInfinity, maxAbs = 1e-12f;
        for (int p = 0; p < pixels; p++)
            for (int j = 0; j < classes; j++)
            {
                float v = w[p * classes + j];
                lo = Math.Min(lo, v); hi = Math.Max(hi, v); maxAbs = Math.Max(maxAbs, Math.Abs(v));
            }
        float range = hi > lo ? hi - lo : 1f;
        for (int j = 0; j < classes; j++)
        {
            int x0 = Gap + j * (tileW + Gap), y0 = Gap;
            for (int r = 0; r < tileH; r++)
                for (int col = 0; col < tileW; col++)
                {
                    int pixel = (r / Scale) * columns + col / Scale;
                    Span<byte> rgb = img.At(x0 + col, y0 + r);
                    if (channels == 1)
                    {
                        Diverging(w[pixel * classes + j] / maxAbs, rgb);
                    }
                    else
                    {
                        for (int ch = 0; ch < 3; ch++)
                            rgb[ch] = (byte)Math.Clamp(MathF.Round(255f * (w[(ch * rows * columns + pixel) * classes + j] - lo) / range), 0, 255);
                    }
                }
            string name = classNames[j];
            int textW = Font.Width(name) * label;
            img.Text(name, x0 + Math.Max(0, (tileW - textW) / 2), y0 + tileH + Gap, label, s_text);
        }
        if (key)
        {
            // Colour key: the diverging scale from −max|W| (left) through 0 to +max|W| (right).
            int y0 = Gap + tileH + Gap + labelH + Gap, keyW = Math.Min(width - 2 * Gap, 256 * 2), x0 = (width - keyW) / 2;
            for (int k = 0; k < keyW; k++)
            {
                float t = 2f * k / (keyW - 1) - 1f;
                for (int r = 0; r < KeyHeight; r++) Diverging(t, img.At(x0 + k, y0 + r));
            }
            int ty = y0 + KeyHeight + Gap;
            string left = "-" + Number(maxAbs), right = "+" + Number(maxAbs), mid = "0";
            img.Text(left, x0, ty, 1, s_text);
            img.Text(mid, x0 + (keyW - Font.Width(mid)) / 2, ty, 1, s_text);
            img.Text(right, x0 + keyW - Font.Width(right), ty, 1, s_text);
            string caption = "WEIGHT: BLUE AGAINST, RED FOR THE CLASS";
            img.Text(caption, x0 + Math.Max(0, (keyW - Font.Width(caption)) / 2), ty + Font.Height + 2, 1, s_text);
        }
        System.IO.File.WriteAllBytes(path, EncodePng(img.Rgb, width, height));
    }

    private static string Number(float v) => v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The largest text scale (2 or 1) at which every name fits under its tile.</summary>
    private static int LabelScale(IReadOnlyList<string> names, int tileW) =>
        names.All(n => Font.Width(n) * 2 <= tileW) ? 2 : 1;

    private static void Diverging(float t, Span<byte> rgb)
    {
        t = Math.Clamp(t, -1f, 1f);
        if (t >= 0) { rgb[0] = 255; rgb[1] = rgb[2] = (byte)(255 * (1 - t)); }
        else { rgb[2] = 255; rgb[0] = rgb[1] = (byte)(255 * (1 + t)); }
    }

    private sealed class Canvas(int width, int height)
    {
        public byte[] Rgb { get; } = new byte[width * height * 3];

        public Span<byte> At(int x, int y) => Rgb.AsSpan((y * width + x) * 3, 3);

        public void Fill(int x, int y, int w, int h, ReadOnlySpan<byte> rgb)
        {
            for (int r = y; r < y + h; r++)
                for (int c = x; c < x + w; c++) rgb.CopyTo(At(c, r));
        }

        /// <summary>Draws <paramref name="text"/> (upper-cased) in the 5×7 font at <paramref name="scale"/>, clipped to the canvas.</summary>
        public void Text(string text, int x, int y, int scale, ReadOnlySpan<byte> rgb)
        {
            foreach (char ch in text.ToUpperInvariant())
            {
                string glyph = Font.Glyph(ch);
                for (int r = 0; r < Font.Height; r++)
                    for (int c = 0; c < 5; c++)
                        if (glyph[r * 5 + c] == '1')
                            for (int dy = 0; dy < scale; dy++)
                                for (int dx = 0; dx < scale; dx++)
                                {
                                    int px = x + c * scale + dx, py = y + r * scale + dy;
                                    if ((uint)px < (uint)width && (uint)py < (uint)height) rgb.CopyTo(At(px, py));
                                }
                x += Font.Advance * scale;
            }
        }
    }

    /// <summary>A 5×7 bitmap font for class names and numbers: A–Z, 0–9, space and - + . , / ( ) :; other characters draw as a space.</summary>
    private static class Font
    {
        public const int Height = 7, Advance = 6;

        public static int Width(string s) => s.Length == 0 ? 0 : s.Length * Advance - 1;

        public static string Glyph(char c) => s_glyphs.TryGetValue(c, out string? g) ? g : s_glyphs[' '];

        private static readonly Dictionary<char, string> s_glyphs = new()
        {
            ['A'] = "01110100011000111111100011000110001", ['B'] = "11110100011000111110100011000111110",
            ['C'] = "01110100011000010000100001000101110", ['D'] = "11110100011000110001100011000111110",
            ['E'] = "11111100001000011110100001000011111", ['F'] = "11111100001000011110100001000010000",
            ['G'] = "01110100011000010111100011000101111", ['H'] = "10001100011000111111100011000110001",
            ['I'] = "01110001000010000100001000010001110", ['J'] = "00111000100001000010000101001001100",
            ['K'] = "10001100101010011000101001001010001", ['L'] = "10000100001000010000100001000011111",
            ['M'] = "10001110111010110101100011000110001", ['N'] = "10001100011100110101100111000110001",
            ['O'] = "01110100011000110001100011000101110", ['P'] = "11110100011000111110100001000010000",
            ['Q'] = "01110100011000110001101011001001101", ['R'] = "11110100011000111110101001001010001",
            ['S'] = "01111100001000001110000010000111110", ['T'] = "11111001000010000100001000010000100",
            ['U'] = "10001100011000110001100011000101110", ['V'] = "10001100011000110001100010101000100",
            ['W'] = "10001100011000110101101011010101010", ['X'] = "10001100010101000100010101000110001",
            ['Y'] = "10001100011000101010001000010000100", ['Z'] = "11111000010001000100010001000011111",
            ['0'] = "01110100011001110101110011000101110", ['1'] = "00100011000010000100001000010001110",
            ['2'] = "01110100010000100010001000100011111", ['3'] = "11111000100010000010000011000101110",
            ['4'] = "00010001100101010010111110001000010", ['5'] = "11111100001111000001000011000101110",
            ['6'] = "00110010001000011110100011000101110", ['7'] = "11111000010001000100010000100001000",
            ['8'] = "01110100011000101110100011000101110", ['9'] = "01110100011000101111000010001001100",
            [' '] = "00000000000000000000000000000000000", ['-'] = "00000000000000011111000000000000000",
            ['+'] = "00000001000010011111001000010000000", ['.'] = "00000000000000000000000000110001100",
            ['/'] = "00000000010001000100010001000000000", ['('] = "00010001000100001000010000010000010",
            [')'] = "01000001000001000010000100010001000", [':'] = "00000011000110000000011000110000000", [','] = "00000000000000000000011000010001000",
        };
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

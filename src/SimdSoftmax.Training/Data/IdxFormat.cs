using System.Buffers.Binary;
using System.IO.Compression;

namespace SimdSoftmax;

/// <summary>
/// Reads and writes the IDX files MNIST ships in (<c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>, ...):
/// a big-endian header — magic <c>0x00000803</c> for unsigned-byte images (count, rows, columns) or
/// <c>0x00000801</c> for unsigned-byte labels (count) — followed by the bytes. Files may be plain or gzip-compressed;
/// gzip is recognized by its magic bytes (<c>1f 8b</c>), not by the file name.
/// </summary>
/// <remarks>
/// Every structural problem — a truncated or corrupt file, a wrong magic number, a header that promises more or fewer
/// bytes than the file holds — is an <see cref="InvalidDataException"/> whose message names the file and what is wrong.
/// A file is read whole into memory (the full MNIST training images are 47 MB uncompressed).
/// </remarks>
public static class IdxFormat
{
    /// <summary>Magic number of an IDX file of unsigned-byte images with 3 dimensions (count, rows, columns).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned-byte labels with 1 dimension (count).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an IDX images file (magic <c>0x00000803</c>), plain or gzip.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The images as stored: one byte per pixel, row-major, image after image.</returns>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt, has extra bytes after the data, or is not an IDX images file.</exception>
    /// <exception cref="IOException">The file cannot be read (for example <see cref="FileNotFoundException"/>).</exception>
    public static IdxImages ReadImages(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] data = ReadPayload(path);
        int[] dims = ReadHeader(data, path, ImagesMagic, "images", 3);
        if (dims[1] == 0 || dims[2] == 0)
            throw Invalid(path, $"has images of {dims[1]}×{dims[2]} pixels; rows and columns must be at least 1.");
        long pixelsPerImage = (long)dims[1] * dims[2];
        long expected = dims[0] * pixelsPerImage;
        byte[] pixels = Body(data, path, 16, expected, $"{dims[0]} images of {dims[1]}×{dims[2]} pixels");
        return new IdxImages(pixels, dims[0], dims[1], dims[2]);
    }

    /// <summary>Reads an IDX labels file (magic <c>0x00000801</c>), plain or gzip.</summary>
    /// <param name="path">The file.</param>
    /// <returns>One byte per label.</returns>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt, has extra bytes after the data, or is not an IDX labels file.</exception>
    /// <exception cref="IOException">The file cannot be read (for example <see cref="FileNotFoundException"/>).</exception>
    public static byte[] ReadLabels(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] data = ReadPayload(path);
        int[] dims = ReadHeader(data, path, LabelsMagic, "labels", 1);
        return Body(data, path, 8, dims[0], $"{dims[0]} labels");
    }

    /// <summary>Writes an IDX images file; gzip-compressed when <paramref name="path"/> ends in <c>.gz</c>.</summary>
    /// <param name="path">The file, created or overwritten.</param>
    /// <param name="images">The images to write.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WriteImages(string path, IdxImages images)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(images);
        Span<byte> header = stackalloc byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], images.Count);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], images.Height);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], images.Width);
        Write(path, header, images.Pixels);
    }

    /// <summary>Writes an IDX labels file; gzip-compressed when <paramref name="path"/> ends in <c>.gz</c>.</summary>
    /// <param name="path">The file, created or overwritten.</param>
    /// <param name="labels">One byte per label.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WriteLabels(string path, ReadOnlySpan<byte> labels)
    {
        ArgumentNullException.ThrowIfNull(path);
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], labels.Length);
        Write(path, header, labels);
    }

    private static void Write(string path, ReadOnlySpan<byte> header, ReadOnlySpan<byte> body)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            using var gz = new GZipStream(file, CompressionLevel.SmallestSize, leaveOpen: true);
            gz.Write(header);
            gz.Write(body);
        }
        else
        {
            file.Write(header);
            file.Write(body);
        }
    }

    /// <summary>The file's bytes, gunzipped when they start with the gzip magic.</summary>
    private static byte[] ReadPayload(string path)
    {
        byte[] raw = File.ReadAllBytes(path);
        if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b) return raw;
        // GZipStream neither notices a stream cut short after (or inside) the deflate data nor checks the CRC: the
        // trailer — CRC-32 and length mod 2^32 of the uncompressed data (of a single-member file) — is checked here.
        // The trailer's length also sizes the output exactly, so the data is decompressed straight into its array.
        if (raw.Length < 18)
            throw Invalid(path, $"is a truncated gzip stream ({raw.Length} bytes).");
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 8));
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 4));
        if (size > Array.MaxLength)
            throw Invalid(path, $"is a truncated or corrupt gzip stream, or more than fits in memory here: its trailer declares {size} bytes.");
        var data = new byte[size];
        int read;
        bool longer;
        try
        {
            using var gz = new GZipStream(new MemoryStream(raw, writable: false), CompressionMode.Decompress);
            read = gz.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            longer = gz.ReadByte() >= 0;
        }
        catch (InvalidDataException e)
        {
            throw Invalid(path, $"is a corrupt gzip stream ({e.Message}).", e);
        }
        if (read != data.Length || longer || crc != System.IO.Hashing.Crc32.HashToUInt32(data))
            throw Invalid(path, "is a truncated or corrupt gzip stream: its trailer's length or CRC-32 does not match the data.");
        return data;
    }

    private static int[] ReadHeader(byte[] data, string path, int expectedMagic, string kind, int dimensions)
    {
        if (data.Length < 4)
            throw Invalid(path, $"is {data.Length} bytes long, too short for an IDX header (truncated or empty).");
        int magic = BinaryPrimitives.ReadInt32BigEndian(data);
        if (magic != expectedMagic)
        {
            string hint = magic == ImagesMagic ? " (that is an IDX images file)"
                : magic == LabelsMagic ? " (that is an IDX labels file)"
                : (magic >>> 16) != 0 ? " (not an IDX file at all)" : "";
            throw Invalid(path, $"has magic number 0x{magic:X8}{hint}; an IDX {kind} file starts with 0x{expectedMagic:X8} (unsigned bytes, {dimensions} dimension{(dimensions == 1 ? "" : "s")}).");
        }
        int headerLength = 4 + 4 * dimensions;
        if (data.Length < headerLength)
            throw Invalid(path, $"is {data.Length} bytes long: the header is truncated (an IDX {kind} header is {headerLength} bytes).");
        var dims = new int[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            uint v = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4 + 4 * i));
            if (v > int.MaxValue) throw Invalid(path, $"declares dimension {i} as {v}, more than this reader supports.");
            dims[i] = (int)v;
        }
        return dims;
    }

    private static byte[] Body(byte[] data, string path, int headerLength, long expected, string what)
    {
        long actual = data.LongLength - headerLength;
        if (expected > Array.MaxLength)
            throw Invalid(path, $"declares {what}: {expected} bytes, more than fits in memory here.");
        if (actual < expected)
            throw Invalid(path, $"is truncated: its header declares {what} ({expected} bytes of data) but only {actual} bytes follow.");
        if (actual > expected)
            throw Invalid(path, $"has {actual - expected} unexpected bytes after its {what} (header and data disagree).");
        return data.AsSpan(headerLength).ToArray();
    }

    private static InvalidDataException Invalid(string path, string what, Exception? inner = null) =>
        new($"IDX file '{path}' {what}", inner);
}

using System.Buffers.Binary;
using System.IO.Compression;

namespace SimdSoftmax.Tests;

/// <summary>The IDX (MNIST) reader and writer: round trips, the shipped data, and every way a file can be broken.</summary>
public sealed class IdxTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("simdsoftmax-idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static IdxImages RandomImages(int count, int rows, int columns, int seed)
    {
        var pixels = new byte[count * rows * columns];
        new Random(seed).NextBytes(pixels);
        return new IdxImages(pixels, count, rows, columns);
    }

    /// <summary>The repository's data/mnist, found upward from the test binaries.</summary>
    internal static string ShippedMnist()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "data", "mnist");
            if (File.Exists(Path.Combine(candidate, "t10k-images-idx3-ubyte.gz"))) return candidate;
        }
        throw new InvalidOperationException("data/mnist not found above " + AppContext.BaseDirectory);
    }

    [Theory]
    [InlineData(".gz")]
    [InlineData("")]
    public void Images_and_labels_round_trip(string extension)
    {
        IdxImages images = RandomImages(7, 5, 3, 1);
        byte[] labels = [0, 9, 3, 3, 255, 1, 7];
        string ip = PathOf("images" + extension), lp = PathOf("labels" + extension);
        IdxFormat.WriteImages(ip, images);
        IdxFormat.WriteLabels(lp, labels);
        byte[] head = File.ReadAllBytes(ip)[..2];
        Assert.Equal(extension == ".gz", head[0] == 0x1f && head[1] == 0x8b);

        IdxImages back = IdxFormat.ReadImages(ip);
        Assert.Equal((7, 5, 3, 15), (back.Count, back.Height, back.Width, back.PixelsPerImage));
        Assert.Equal(images.Pixels, back.Pixels);
        Assert.Equal(labels, IdxFormat.ReadLabels(lp));

        LabeledImages set = LabeledImages.Load(ip, lp);
        Assert.Equal((7, 5, 3, 15), (set.Count, set.Height, set.Width, set.FeatureCount));
        Assert.Equal(labels.Select(b => (int)b), set.Labels);
        for (int i = 0; i < images.Pixels.Length; i++) Assert.Equal(images.Pixels[i] / 255f, set.Features[i]);
        Assert.Equal(256, set.ClassCount);
    }

    [Fact]
    public void Plain_file_has_the_documented_big_endian_layout()
    {
        string ip = PathOf("i"), lp = PathOf("l");
        IdxFormat.WriteImages(ip, new IdxImages([1, 2, 3, 4, 5, 6], 2, 1, 3));
        IdxFormat.WriteLabels(lp, [4, 2]);
        Assert.Equal(new byte[] { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6 }, File.ReadAllBytes(ip));
        Assert.Equal(new byte[] { 0, 0, 8, 1, 0, 0, 0, 2, 4, 2 }, File.ReadAllBytes(lp));
    }

    [Fact]
    public void Gzip_is_recognized_by_its_magic_bytes_not_the_name()
    {
        IdxImages images = RandomImages(3, 4, 4, 2);
        IdxFormat.WriteImages(PathOf("x.gz"), images);
        File.Move(PathOf("x.gz"), PathOf("x.idx"));
        Assert.Equal(images.Pixels, IdxFormat.ReadImages(PathOf("x.idx")).Pixels);
    }

    [Fact]
    public void Empty_sets_round_trip()
    {
        IdxFormat.WriteImages(PathOf("e.gz"), new IdxImages([], 0, 28, 28));
        IdxFormat.WriteLabels(PathOf("l.gz"), []);
        LabeledImages set = LabeledImages.Load(PathOf("e.gz"), PathOf("l.gz"));
        Assert.Equal(0, set.Count);
        Assert.Equal(784, set.FeatureCount);
        Assert.Equal(0, set.ClassCount);
    }

    [Fact]
    public void Shipped_MNIST_test_set_loads()
    {
        string dir = ShippedMnist();
        LabeledImages t10k = LabeledImages.Load(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        Assert.Equal((10_000, 28, 28, 10), (t10k.Count, t10k.Height, t10k.Width, t10k.ClassCount));
        Assert.Equal(new[] { 7, 2, 1, 0, 4, 1, 4, 9, 5, 9 }, t10k.Labels[..10]); // the well-known first test digits
        Assert.Equal(0f, t10k.Features.Min());
        Assert.Equal(1f, t10k.Features.Max());
        for (int c = 0; c < 10; c++) Assert.InRange(t10k.Labels.Count(l => l == c), 800, 1200);
    }

    // --- corruption: every case is an InvalidDataException that names the file and says what is wrong ---

    private string Write(string name, byte[] bytes)
    {
        string p = PathOf(name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    private static byte[] ImageHeader(uint magic, uint count, uint rows, uint cols)
    {
        var h = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(h, magic);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(4), count);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(8), rows);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(12), cols);
        return h;
    }

    private static void AssertInvalid(Action read, string path, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(read);
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    public static TheoryData<string, byte[], string> BrokenImageFiles()
    {
        byte[] good = [.. ImageHeader(0x803, 2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8];
        return new TheoryData<string, byte[], string>
        {
            { "empty", [], "too short" },
            { "three bytes", [0, 0, 8], "too short" },
            { "labels magic", [0, 0, 8, 1, 0, 0, 0, 0], "labels file" },
            { "not IDX", "PK\u0003\u0004 zip file"u8.ToArray(), "not an IDX file" },
            { "float IDX", [.. ImageHeader(0xD03, 0, 1, 1)], "0x00000D03" },
            { "header truncated", good[..10], "header is truncated" },
            { "body truncated", good[..^1], "truncated" },
            { "extra bytes", [.. good, 0, 0], "2 unexpected bytes" },
            { "zero rows", [.. ImageHeader(0x803, 1, 0, 5)], "0×5" },
            { "dimension above int", [.. ImageHeader(0x803, 0xFFFFFFFF, 1, 1)], "more than this reader supports" },
            { "more than fits", [.. ImageHeader(0x803, 0x7FFFFFFF, 0x7FFFFFFF, 2)], "more than fits" },
        };
    }

    [Theory, MemberData(nameof(BrokenImageFiles))]
    public void Broken_images_file_is_InvalidDataException(string name, byte[] bytes, string expected)
    {
        string p = Write(name.Replace(' ', '-'), bytes);
        AssertInvalid(() => IdxFormat.ReadImages(p), p, expected);
    }

    [Theory, MemberData(nameof(BrokenImageFiles))]
    public void Broken_images_file_inside_gzip_is_InvalidDataException(string name, byte[] bytes, string expected)
    {
        string p = PathOf(name.Replace(' ', '-') + ".gz");
        using (var gz = new GZipStream(File.Create(p), CompressionLevel.Fastest)) gz.Write(bytes);
        AssertInvalid(() => IdxFormat.ReadImages(p), p, expected);
    }

    [Fact]
    public void Broken_labels_files_are_InvalidDataException()
    {
        AssertInvalid(() => IdxFormat.ReadLabels(Write("a", [0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1])), PathOf("a"), "images file");
        AssertInvalid(() => IdxFormat.ReadLabels(Write("b", [0, 0, 8, 1, 0, 0, 0, 3, 1, 2])), PathOf("b"), "truncated");
        AssertInvalid(() => IdxFormat.ReadLabels(Write("c", [0, 0, 8, 1, 0, 0, 0, 1, 1, 2])), PathOf("c"), "1 unexpected bytes");
        AssertInvalid(() => IdxFormat.ReadLabels(Write("d", [0, 0, 8, 1, 0, 0])), PathOf("d"), "header is truncated");
    }

    [Fact]
    public void Truncated_gzip_stream_is_InvalidDataException()
    {
        IdxFormat.WriteImages(PathOf("full.gz"), RandomImages(50, 8, 8, 3));
        byte[] gz = File.ReadAllBytes(PathOf("full.gz"));
        foreach (int keep in new[] { 2, 10, gz.Length / 2, gz.Length - 4 })
        {
            string p = Write($"cut{keep}.gz", gz[..keep]);
            Assert.Contains(p, Assert.Throws<InvalidDataException>(() => IdxFormat.ReadImages(p)).Message);
        }
    }

    [Fact]
    public void Corrupt_gzip_stream_is_InvalidDataException()
    {
        IdxFormat.WriteImages(PathOf("full.gz"), RandomImages(50, 8, 8, 4));
        byte[] gz = File.ReadAllBytes(PathOf("full.gz"));
        for (int i = 12; i < gz.Length - 8; i++) gz[i] ^= 0x5A; // scramble the deflate data, keep the gzip header
        string p = Write("corrupt.gz", gz);
        Assert.Contains(p, Assert.Throws<InvalidDataException>(() => IdxFormat.ReadImages(p)).Message);
    }

    [Fact]
    public void Image_and_label_count_mismatch_names_both_files()
    {
        IdxFormat.WriteImages(PathOf("i.gz"), RandomImages(5, 2, 2, 5));
        IdxFormat.WriteLabels(PathOf("l.gz"), [1, 2, 3, 4]);
        var e = Assert.Throws<InvalidDataException>(() => LabeledImages.Load(PathOf("i.gz"), PathOf("l.gz")));
        Assert.Contains(PathOf("i.gz"), e.Message);
        Assert.Contains(PathOf("l.gz"), e.Message);
        Assert.Contains("5 images", e.Message);
        Assert.Contains("4 labels", e.Message);
    }

    [Fact]
    public void Missing_file_is_FileNotFoundException()
    {
        Assert.Throws<FileNotFoundException>(() => IdxFormat.ReadImages(PathOf("nope")));
    }

    [Fact]
    public void Split_is_a_seeded_disjoint_partition()
    {
        int n = 50;
        var x = new float[n * 2];
        var y = new int[n];
        for (int i = 0; i < n; i++) { x[2 * i] = i; x[2 * i + 1] = -i; y[i] = i % 7; }
        var set = new LabeledImages(x, y, 1, 2);
        var (a, b) = set.Split(40, seed: 9);
        var (a2, _) = set.Split(40, seed: 9);
        Assert.Equal((40, 10), (a.Count, b.Count));
        Assert.Equal(a.Features, a2.Features);
        var ids = a.Features.Where((_, k) => k % 2 == 0).Concat(b.Features.Where((_, k) => k % 2 == 0)).Select(v => (int)v).Order();
        Assert.Equal(Enumerable.Range(0, n), ids);
        for (int i = 0; i < a.Count; i++) Assert.Equal((int)a.Features[2 * i] % 7, a.Labels[i]);
        Assert.NotEqual(a.Features, set.Split(40, seed: 10).First.Features);
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Split(51, 0));
    }

    [Fact]
    public void Mean_image_subtraction_centers_the_set()
    {
        var set = new LabeledImages([1, 10, 3, 20, 5, 60], [0, 1, 2], 1, 2);
        float[] mean = set.MeanImage();
        Assert.Equal(new[] { 3f, 30f }, mean);
        set.SubtractImage(mean);
        Assert.Equal(new[] { -2f, -20f, 0f, -10f, 2f, 30f }, set.Features);
        Assert.Throws<ArgumentException>(() => set.SubtractImage(new float[3]));
    }

    [Fact]
    public void Constructors_reject_inconsistent_sizes()
    {
        Assert.Throws<ArgumentException>(() => new IdxImages(new byte[5], 1, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IdxImages([], 0, 0, 2));
        Assert.Throws<ArgumentException>(() => new LabeledImages(new float[5], [0], 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LabeledImages(new float[4], [-1], 2, 2));
    }
}

using System.Buffers.Binary;
using System.IO.Compression;
using SimdSoftmax.Cli;

namespace SimdSoftmax.Tests;

/// <summary>Console-capturing tests run one at a time (Console.SetOut is process-wide).</summary>
[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>Smoke tests of <c>simdsoftmax train</c>, <c>sweep</c> and <c>gradcheck</c> in-process, on a tiny synthetic IDX data set.</summary>
[Collection("Console")]
public sealed class CliTrainingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("simdsoftmax-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>28×28 "digits": class k lights up row block k, so a linear model learns them quickly.</summary>
    private void WriteDigits(string prefix, int count, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[count * 784];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int k = rng.Next(10);
            labels[i] = (byte)k;
            for (int p = 0; p < 784; p++) pixels[i * 784 + p] = (byte)rng.Next(60);
            for (int r = 2 * k + 4; r < 2 * k + 6; r++)
                for (int col = 4; col < 24; col++) pixels[i * 784 + r * 28 + col] = 255;
        }
        IdxFormat.WriteImages(Path.Combine(_dir, $"{prefix}-images-idx3-ubyte.gz"), new IdxImages(pixels, count, 28, 28));
        IdxFormat.WriteLabels(Path.Combine(_dir, $"{prefix}-labels-idx1-ubyte.gz"), labels);
    }

    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        TextWriter oldOut = Console.Out, oldErr = Console.Error;
        var o = new StringWriter();
        var e = new StringWriter();
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            int code = CommandLine.Run(args);
            return (code, o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Fact]
    public void Train_on_the_built_in_split_writes_a_valid_png()
    {
        WriteDigits("t10k", 250, 1);
        string png = Path.Combine(_dir, "w.png");
        var (code, output, err) = Run("train", "--data", _dir, "--path", "scalar", "--iters", "40", "--batch", "25", "--weights-image", png);
        Assert.True(code == 0, output + err);
        Assert.Contains("built-in MNIST test set split 200 train / 50 held out", output);
        Assert.Contains("accuracy: train", output);
        Assert.Contains("per step (Scalar", output);
        Assert.Contains("loss", output);
        Assert.Matches(@"test 100[.,]00", output); // the synthetic digits are easy
        AssertValidPng(File.ReadAllBytes(png), width: 10 * 28 * 4 + 11 * 2, height: 28 * 4 + 4);
    }

    [Fact]
    public void Train_uses_the_full_set_when_present()
    {
        WriteDigits("t10k", 60, 2);
        WriteDigits("train", 120, 3);
        var (code, output, err) = Run("train", "--data", _dir, "--path", "scalar", "--epochs", "2", "--batch", "30", "--center", "--lr", "0.5", "--reg", "0", "--decay", "1", "--seed", "4");
        Assert.True(code == 0, output + err);
        Assert.Contains("full MNIST: 120 training images, 60 test images", output);
        Assert.Contains("8 steps (2.0 epochs)", output);
        Assert.Contains("mean image subtracted", output);
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Train_on_a_simd_path_prints_the_speedup_over_scalar(KernelPath path)
    {
        Paths.Require(path);
        WriteDigits("t10k", 100, 5);
        var (code, output, err) = Run("train", "--data", _dir, "--path", path.ToString(), "--iters", "10", "--batch", "20", "--speedup-iters", "3");
        Assert.True(code == 0, output + err);
        Assert.Contains("on the scalar reference", output);
        Assert.Matches($@"→ {path} is \d+\.\d× (faster|slower) than scalar", output);
    }

    [Fact]
    public void Sweep_prints_a_table_with_the_best_marked()
    {
        WriteDigits("t10k", 200, 6);
        var (code, output, err) = Run("sweep", "--data", _dir, "--path", "scalar", "--lrs", "0.01,0.5", "--regs", "0,1e-3", "--iters", "20", "--batch", "20", "--val", "40");
        Assert.True(code == 0, output + err);
        Assert.Contains("2 learning rates × 2 regularization strengths; training on 120, validating on 40", output);
        Assert.Contains("SGD:     batch 20, 20 steps", output); // the grid's rates, not the unused defaults
        Assert.Single(output.Split('\n'), l => l.StartsWith("* ", StringComparison.Ordinal) && l.Contains("← best"));
        Assert.Contains("best:    --lr ", output);
    }

    [Fact]
    public void Sweep_where_every_run_diverges_still_prints_the_table_and_fails()
    {
        WriteDigits("t10k", 100, 9);
        var (code, output, err) = Run("sweep", "--data", _dir, "--path", "scalar", "--lrs", "1e37", "--regs", "1", "--iters", "20", "--batch", "20", "--val", "20");
        Assert.Equal(1, code);
        Assert.Contains("diverged", output);
        Assert.Contains("every run diverged", err);
    }

    [Fact]
    public void Gradcheck_prints_analytic_vs_numeric_and_passes()
    {
        var (code, output, err) = Run("gradcheck", "--path", "scalar", "--n", "20", "--d", "8", "--c", "4", "--checks", "6", "--seed", "3");
        Assert.True(code == 0, output + err);
        Assert.Equal(12, output.Split('\n').Count(l => l.Contains("numerical:") && l.Contains("analytic:") && l.Contains("relative error:")));
        Assert.Contains("PASS", output);
    }

    [SkippableTheory, MemberData(nameof(Paths.Simd), MemberType = typeof(Paths))]
    public void Gradcheck_passes_on_simd_paths(KernelPath path)
    {
        Paths.Require(path);
        var (code, output, err) = Run("gradcheck", "--path", path.ToString(), "--checks", "10");
        Assert.True(code == 0, output + err);
    }

    [Fact]
    public void Usage_lists_the_training_commands()
    {
        var (_, output, _) = Run("--help");
        Assert.Contains("  train ", output);
        Assert.Contains("  sweep ", output);
        Assert.Contains("  gradcheck ", output);
    }

    [Theory]
    [InlineData("train", "--lr", "-1")]
    [InlineData("train", "--lr", "abc")]
    [InlineData("train", "--batch", "0")]
    [InlineData("train", "--decay", "2")]
    [InlineData("train", "--bogus", "1")]
    [InlineData("train", "--path", "sse")]
    [InlineData("sweep", "--lrs", "a,b")]
    [InlineData("sweep", "--regs", "")]
    [InlineData("sweep", "--val", "100000")]
    [InlineData("gradcheck", "--h", "0")]
    [InlineData("gradcheck", "--n", "0")]
    public void Bad_options_exit_2_with_one_line(params string[] args)
    {
        WriteDigits("t10k", 30, 7);
        var (code, _, err) = Run([.. args, "--data", _dir]);
        if (args[0] == "gradcheck") (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith($"simdsoftmax {args[0]}: ", err);
    }

    [Fact]
    public void Missing_or_corrupt_data_is_reported_not_thrown()
    {
        var (code, _, err) = Run("train", "--data", Path.Combine(_dir, "nowhere"));
        Assert.Equal(2, code);
        Assert.Contains("nowhere", err);

        WriteDigits("t10k", 30, 8);
        string images = Path.Combine(_dir, "t10k-images-idx3-ubyte.gz");
        byte[] gz = File.ReadAllBytes(images);
        File.WriteAllBytes(images, gz[..(gz.Length / 2)]);
        (code, _, err) = Run("train", "--data", _dir, "--path", "scalar");
        Assert.Equal(2, code);
        Assert.Contains(images, err);
        Assert.Contains("truncated", err);
    }

    private static void AssertValidPng(byte[] png, int width, int height)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int pos = 8;
        var idat = new MemoryStream();
        var types = new List<string>();
        while (pos < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            byte[] body = png[(pos + 8)..(pos + 8 + length)];
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            Assert.Equal(BitwiseCrc32(png.AsSpan(pos + 4, 4 + length)), crc);
            types.Add(type);
            if (type == "IHDR")
            {
                Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(body));
                Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(4)));
                Assert.Equal(new byte[] { 8, 2, 0, 0, 0 }, body[8..]);
            }
            if (type == "IDAT") idat.Write(body);
            pos += 12 + length;
        }
        Assert.Equal(["IHDR", "IDAT", "IEND"], types);
        idat.Position = 0;
        var raw = new MemoryStream();
        new ZLibStream(idat, CompressionMode.Decompress).CopyTo(raw);
        Assert.Equal(height * (1 + 3 * width), raw.Length);
    }

    /// <summary>An independent (bit-by-bit) CRC-32 to check the PNG writer's table-driven one.</summary>
    private static uint BitwiseCrc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }
}

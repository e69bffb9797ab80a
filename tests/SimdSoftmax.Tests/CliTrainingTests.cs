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
        // Ten 112-pixel tiles with 4-pixel gaps; under them the labels (2× font: 14 + 4) and the colour key (4 + 12 + 4 + 14 + 4).
        AssertValidPng(File.ReadAllBytes(png), width: 10 * (28 * 4 + 4) + 4, height: 4 + 28 * 4 + 4 + 18 + 38 + 4);
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

    [Fact]
    public void Train_on_cifar10_format_data_prints_the_class_names_and_draws_colour_templates()
    {
        Cifar10Tests.WriteDataSet(_dir, perBatch: 20, testCount: 30);
        string png = Path.Combine(_dir, "cifar.png");
        var (code, output, err) = Run("train", "--dataset", "cifar10", "--data", _dir, "--iters", "20", "--batch", "25", "--speedup-iters", "0", "--weights-image", png);
        Assert.True(code == 0, output + err);
        Assert.Contains("CIFAR-10: 100 training images, 30 test images, 32×32×3", output);
        Assert.Contains("training mean image subtracted", output);
        Assert.Contains("lr 1E-07, reg 5E+04, batch 25, 20 steps", output);
        Assert.Contains("classes: 0 plane, 1 car, 2 bird", output);
        Assert.Contains("per class (test): plane ", output);
        Assert.Contains("3072 features × 10 classes", output);
        // Ten 128-pixel tiles, names at 2× under them ("truck" is widest at 58 px), no colour key.
        AssertValidPng(File.ReadAllBytes(png), width: 10 * (32 * 4 + 4) + 4, height: 4 + 32 * 4 + 4 + 18 + 4);
    }

    [Fact]
    public void Train_with_the_svm_loss_learns_the_synthetic_digits()
    {
        WriteDigits("t10k", 250, 11);
        var (code, output, err) = Run("train", "--data", _dir, "--loss", "svm", "--path", "scalar", "--iters", "40", "--batch", "25", "--speedup-iters", "0");
        Assert.True(code == 0, output + err);
        Assert.Contains("multiclass SVM (hinge, Δ = 1) linear classifier", output);
        Assert.Contains("lr 0.3,", output);
        Assert.Matches(@"test 100[.,]00", output);
    }

    [Fact]
    public void Fashion_mnist_from_a_directory_names_its_classes()
    {
        WriteDigits("t10k", 60, 12);
        WriteDigits("train", 120, 13);
        string png = Path.Combine(_dir, "fashion.png");
        var (code, output, err) = Run("train", "--dataset", "fashion-mnist", "--data", _dir, "--iters", "10", "--batch", "20", "--speedup-iters", "0", "--weights-image", png);
        Assert.True(code == 0, output + err);
        Assert.Contains("Fashion-MNIST (Zalando): 120 training images, 60 test images", output);
        Assert.Contains("classes: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot", output);
        Assert.Contains("lr 0.5,", output);
        // "Ankle boot" does not fit a 112-pixel tile at 2×, so the names are drawn at 1× (7 + 4).
        AssertValidPng(File.ReadAllBytes(png), width: 10 * (28 * 4 + 4) + 4, height: 4 + 28 * 4 + 4 + 11 + 38 + 4);
    }

    [SkippableFact]
    public void Fashion_mnist_from_the_debian_package_reaches_84_percent()
    {
        Skip.IfNot(Cli.TrainDataSource.HasIdxSet(Cli.TrainDataSource.FashionMnistSystemDirectory),
            "dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist).");
        var (code, output, err) = Run("train", "--dataset", "fashion-mnist", "--data", Cli.TrainDataSource.FashionMnistSystemDirectory, "--speedup-iters", "0");
        Assert.True(code == 0, output + err);
        Assert.Contains("60,000 training images, 10,000 test images", output);
        var m = System.Text.RegularExpressions.Regex.Match(output, @"test (\d+)[.,](\d+) %");
        Assert.True(m.Success, output);
        double accuracy = double.Parse($"{m.Groups[1].Value}.{m.Groups[2].Value}", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(accuracy >= 84.0, $"Fashion-MNIST test accuracy {accuracy}% < 84.0% with the default options\n{output}");
    }

    [Fact]
    public void Fashion_mnist_missing_is_a_one_line_error()
    {
        var (code, _, err) = Run("train", "--dataset", "fashion-mnist", "--data", Path.Combine(_dir, "none"));
        Assert.Equal(2, code);
        Assert.Contains("Fashion-MNIST IDX files", err);
    }

    [Fact]
    public void Sweep_on_cifar10_format_data_runs_the_seed_grid()
    {
        Cifar10Tests.WriteDataSet(_dir, perBatch: 20, testCount: 10);
        var (code, output, err) = Run("sweep", "--dataset", "cifar10", "--data", _dir, "--iters", "5", "--batch", "20", "--val", "20");
        Assert.True(code == 0, output + err);
        Assert.Contains("2 learning rates × 2 regularization strengths; training on 80, validating on 20", output);
        Assert.Contains("the course's reg·ΣW² is ours with reg doubled", output);
        foreach (string lr in new[] { "1E-07", "5E-07" })
            foreach (string reg in new[] { "5E+04", "1E+05" })
                Assert.Single(output.Split('\n'), l => l.Contains(lr) && l.Contains(reg) && l.Contains('%') && !l.StartsWith("best", StringComparison.Ordinal));
        Assert.Contains("best:    --lr ", output);
    }

    [Fact]
    public void Cifar10_errors_are_one_line()
    {
        var (code, _, err) = Run("train", "--dataset", "cifar10");
        Assert.Equal(2, code);
        Assert.Contains("needs --data DIR", err);
        Cifar10Tests.WriteDataSet(_dir, perBatch: 2, testCount: 2);
        File.WriteAllBytes(Path.Combine(_dir, "data_batch_2.bin"), new byte[3073 + 5]);
        (code, _, err) = Run("train", "--dataset", "cifar10", "--data", _dir);
        Assert.Equal(2, code);
        Assert.Contains("data_batch_2.bin", err);
        (code, _, err) = Run("train", "--dataset", "imagenet");
        Assert.Equal(2, code);
        Assert.Contains("--dataset must be one of", err);
        (code, _, err) = Run("train", "--loss", "hinge2");
        Assert.Equal(2, code);
        Assert.Contains("--loss must be softmax or svm", err);
    }

    [Theory]
    [InlineData("scalar")]
    [InlineData("auto")]
    public void Gradcheck_of_the_svm_loss_passes(string path)
    {
        var (code, output, err) = Run("gradcheck", "--loss", "svm", "--path", path, "--checks", "8");
        Assert.True(code == 0, output + err);
        Assert.Contains("multiclass SVM", output);
        Assert.Contains("PASS", output);
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

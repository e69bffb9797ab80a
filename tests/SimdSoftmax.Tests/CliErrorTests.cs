using SimdSoftmax.Cli;

namespace SimdSoftmax.Tests;

/// <summary>Every CLI error path: exit code 2 and one line on stderr, found before any work is done.</summary>
[Collection("Console")]
public sealed class CliErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("simdsoftmax-cli-errors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertOneLineError(int code, string output, string err, string command, string mentions)
    {
        Assert.Equal(2, code);
        Assert.Equal("", output);
        string[] lines = err.TrimEnd('\n', '\r').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith($"simdsoftmax {command}: ", lines[0]);
        Assert.Contains(mentions, lines[0]);
    }

    [Theory]
    [InlineData("compare", "--json")]
    [InlineData("compare", "--markdown")]
    [InlineData("compare", "--chart")]
    [InlineData("train", "--weights-image")]
    public void An_output_in_a_missing_directory_is_refused_before_running(string command, string option)
    {
        string path = Path.Combine(_dir, "no-such-dir", "out.file");
        var (code, output, err) = CliTrainingTests.Run(command, "--tiny", option, path);
        if (command == "train") (code, output, err) = CliTrainingTests.Run(command, option, path, "--data", _dir);
        AssertOneLineError(code, output, err, command, $"{option} {path}: the directory");
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }

    [Fact]
    public void An_output_that_is_a_directory_is_refused()
    {
        var (code, output, err) = CliTrainingTests.Run("compare", "--json", _dir);
        AssertOneLineError(code, output, err, "compare", "is a directory");
    }

    [Fact]
    public void An_unwritable_output_is_refused_and_a_writable_one_left_as_it_was()
    {
        // Root writes through file permissions (and Windows has no Unix modes): a path under a plain file instead.
        if (Environment.UserName == "root" || OperatingSystem.IsWindows())
        {
            string file = Path.Combine(_dir, "plain-file");
            File.WriteAllText(file, "x");
            var (code, output, err) = CliTrainingTests.Run("compare", "--markdown", Path.Combine(file, "r.md"));
            AssertOneLineError(code, output, err, "compare", "--markdown");
        }
        else if (!OperatingSystem.IsWindows())
        {
            string ro = Directory.CreateDirectory(Path.Combine(_dir, "ro")).FullName;
            File.SetUnixFileMode(ro, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            var (code, output, err) = CliTrainingTests.Run("compare", "--markdown", Path.Combine(ro, "r.md"));
            AssertOneLineError(code, output, err, "compare", "cannot be written");
        }
        // The probe of a valid path creates nothing when the run then fails on another option.
        string probe = Path.Combine(_dir, "probe.json");
        var (c2, _, _) = CliTrainingTests.Run("compare", "--json", probe, "--threads", "-1");
        Assert.Equal(2, c2);
        Assert.False(File.Exists(probe));
    }

    [Fact]
    public void A_filter_matching_nothing_is_an_error_listing_the_names()
    {
        var (code, output, err) = CliTrainingTests.Run("compare", "--tiny", "--filter", "nonsense");
        AssertOneLineError(code, output, err, "compare", "--filter 'nonsense' matches no kernel");
        foreach (string family in new[] { "gemm", "softmax", "log-softmax", "cross-entropy", "classifier" }) Assert.Contains(family, err);
        Assert.Contains("gemm 16×16×16", err);
    }

    [Theory]
    [InlineData("compare", "--threads", "x")]
    [InlineData("compare", "--threads", "-1")]
    [InlineData("compare", "--bogus")]
    [InlineData("train", "--lr", "0")]
    [InlineData("train", "--epochs", "-1")]
    [InlineData("train", "--iters", "1.5")]
    [InlineData("train", "--path", "1")]
    [InlineData("sweep", "--lr", "1")] // the grid sets the learning rates: a single --lr would be silently ignored
    [InlineData("sweep", "--lrs", "1,-1")]
    [InlineData("gradcheck", "--reg", "-1")]
    [InlineData("gradcheck", "--checks", "nan")]
    [InlineData("gradcheck", "--loss", "logistic")]
    [InlineData("train", "--dataset", "imagenet")]
    [InlineData("train", "--loss", "hinge2")]
    [InlineData("sweep", "--dataset", "mnist-2")]
    [InlineData("info", "--bogus")]
    public void Bad_values_name_the_option(string command, params string[] rest)
    {
        var (code, output, err) = CliTrainingTests.Run([command, .. rest]);
        AssertOneLineError(code, output, err, command, rest[0]);
    }

    [Fact]
    public void An_unknown_command_is_one_line()
    {
        var (code, output, err) = CliTrainingTests.Run("frobnicate");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains("'frobnicate'", err);
    }

    [Theory]
    [InlineData("compare", "--filter", "--chart")]
    [InlineData("train", "--weights-image", "--speedup-iters")]
    [InlineData("sweep", "--lrs", "--val")]
    [InlineData("gradcheck", "--checks", "--loss")]
    [InlineData("train", "--dataset", "--loss")]
    public void Every_command_has_its_own_help_with_the_option_list(string command, string option1, string option2)
    {
        var (code, output, _) = CliTrainingTests.Run(command, "--help");
        Assert.Equal(0, code);
        Assert.Matches($@"Usage:\s+\S+ {command} \[options\]", output); // the root is named after the executable (testhost here)
        Assert.Contains(option1, output);
        Assert.Contains(option2, output);
    }

    [Theory]
    [InlineData(null, "train", "mnist", "softmax", 1f, 2000, 0.8f)]
    [InlineData(null, "train", "fashion-mnist", "svm", 0.5f, 3000, 0.8f)]
    [InlineData(null, "train", "mnist", "svm", 0.3f, 2000, 0.8f)]
    [InlineData(null, "train", "cifar10", "softmax", 1e-7f, 1500, 1f)]
    [InlineData(500, "sweep", "fashion", "softmax", 0.5f, 500, 0.8f)]
    [InlineData(500, "sweep", "cifar-10", "softmax", 1e-7f, 1500, 1f)]
    public void Data_set_defaults_apply_unless_an_option_is_given(int? stepsOverride, string command, string dataset, string loss,
        float lr, int iterations, float decay)
    {
        var set = new TrainingOptionSet(stepsOverride);
        var cmd = new System.CommandLine.Command(command);
        set.AddTo(cmd);
        TrainingOptions o = set.Read(cmd.Parse(["--dataset", dataset, "--loss", loss]));
        Assert.Equal(lr, o.LearningRate);
        Assert.Equal(iterations, o.Iterations);
        Assert.Equal(decay, o.LearningRateDecay);
        Assert.Equal(loss == "svm" ? ClassifierLoss.Svm : ClassifierLoss.Softmax, o.Loss);
        // Anything written on the command line wins over the data set's default, even when it equals the global default.
        o = set.Read(cmd.Parse(["--dataset", dataset, "--loss", loss, "--lr", "1", "--iters", "2000", "--decay", "0.8", "--reg", "1e-4"]));
        Assert.Equal((1f, 2000, 0.8f, 1e-4f), (o.LearningRate, o.Iterations, o.LearningRateDecay, o.Regularization));
    }

    [Theory]
    [InlineData(10.0, 4.0, "Avx2 is 2.5× faster than scalar")]
    [InlineData(6.0, 10.0, "Avx2 is 1.7× slower than scalar")]
    public void A_slowdown_is_worded_as_a_slowdown(double scalarSeconds, double pathSeconds, string expected)
    {
        Assert.StartsWith(expected, TrainCommand.Speedup(KernelPath.Avx2, scalarSeconds, pathSeconds));
    }
}

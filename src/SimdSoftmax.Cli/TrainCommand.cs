using System.CommandLine;
using System.Diagnostics;
using System.Globalization;

namespace SimdSoftmax.Cli;

/// <summary>
/// <c>simdsoftmax train</c>: trains the softmax or SVM linear classifier on MNIST, Fashion-MNIST or CIFAR-10 with minibatch SGD, shows the loss live, prints
/// train and test accuracy and the time per step, and times a few steps of the same run on the scalar reference path
/// for the speedup.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var set = new TrainingOptionSet(defaultIterations: null);
        var image = Opt.OutputFile("--weights-image", "write the learned class templates (with their names) as a PNG", "FILE.png");
        var speedupIterations = Opt.Int("--speedup-iters", "steps timed on the scalar reference and on the chosen path for the speedup (0 = skip)", 50, 0, 100_000);
        var command = new Command("train", "train a linear classifier (softmax or SVM) on MNIST, Fashion-MNIST or CIFAR-10 (SGD), print accuracy, time per step and speedup over scalar") { image, speedupIterations };
        set.AddTo(command);
        command.SetAction(r => Run(r.GetValue(set.Dataset)!, r.GetValue(set.Data), set.Read(r), r.GetValue(set.Center), r.GetValue(image), r.GetValue(speedupIterations)));
        return command;
    }

    public static int Run(string dataset, string? dataOption, TrainingOptions training, bool center, string? imagePath, int speedupIterations)
    {
        long startup = Stopwatch.GetTimestamp();
        TrainData data = TrainDataSource.Load(dataset, dataOption, center);
        LabeledImages train = data.Train, test = data.Test;
        int classes = data.Classes;
        KernelPath path = KernelPaths.Resolve(training.Path);
        Console.WriteLine($"data:    {data.Description}");
        Console.WriteLine($"         loaded in {Stopwatch.GetElapsedTime(startup).TotalMilliseconds:F0} ms; {data.Preprocessing}");
        Console.WriteLine($"model:   {LossOption.Describe(training.Loss)} linear classifier, {train.FeatureCount} features × {classes} classes + bias");
        Console.WriteLine($"classes: {string.Join(", ", data.ClassNames.Select((name, j) => $"{j} {name}"))}");
        Console.WriteLine($"SGD:     {Describe(training, train.Count)}; path {path}");

        var model = new SoftmaxClassifier(train.FeatureCount, classes, WeightInit.SmallGaussian, training.Seed);
        using var bar = new ProgressLine("train", PlannedIterations(training, train.Count));
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        TrainingResult result = model.Train(train.Features, train.Labels, train.Count, training with { Progress = bar.Report });
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        bar.Finish(result.FinalLoss);
        if (result.Diverged)
        {
            Console.Error.WriteLine($"training diverged at step {result.Iterations} (loss {result.FinalLoss}); lower --lr.");
            return 1;
        }

        double trainAccuracy = model.Accuracy(train.Features, train.Labels, train.Count, path);
        double testAccuracy = model.Accuracy(test.Features, test.Labels, test.Count, path);
        Console.WriteLine($"accuracy: train {trainAccuracy:P2} ({train.Count:N0} images), test {testAccuracy:P2} ({test.Count:N0} held-out images)");
        Console.WriteLine($"per class (test): {PerClassAccuracy(model, test, data.ClassNames, path)}");
        double perStep = result.TimePerIteration.TotalSeconds;
        Console.WriteLine($"time:    {result.Iterations} steps in {result.Elapsed.TotalSeconds:F3} s, {FormatSeconds(perStep)} per step ({path}, {training.BatchSize} samples per step; process CPU time {cpu.TotalSeconds:F3} s)");

        if (path != KernelPath.Scalar && speedupIterations > 0 && result.Iterations > 0)
        {
            // Both sides timed the same way, each after its own warm-up: the training run above includes the first
            // (JIT-compiling) steps, so its time per step is not comparable with a warmed-up scalar run.
            double scalarPerStep = TimeSteps(train, classes, training with { Path = KernelPath.Scalar }, speedupIterations);
            double pathPerStep = TimeSteps(train, classes, training, speedupIterations);
            Console.WriteLine($"scalar:  {FormatSeconds(scalarPerStep)} per step on the scalar reference, {FormatSeconds(pathPerStep)} on {path} ({speedupIterations} timed steps each, after a warm-up) → {Speedup(path, scalarPerStep, pathPerStep)}");
        }

        if (imagePath is not null)
        {
            ClassTemplateImage.WritePng(imagePath, model.Weights, train.Channels, train.Height, train.Width, data.ClassNames);
            Console.WriteLine($"image:   class templates ({string.Join(", ", data.ClassNames)}) written to {imagePath}");
        }
        return 0;
    }

    /// <summary>"Avx2 is 3.1× faster than scalar", or "… slower …" when it is: a ratio below 1 is never called faster.</summary>
    public static string Speedup(KernelPath path, double scalarSeconds, double pathSeconds)
    {
        double ratio = scalarSeconds / pathSeconds;
        return ratio >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{path} is {ratio:F1}× faster than scalar")
            : string.Create(CultureInfo.InvariantCulture, $"{path} is {1 / ratio:F1}× slower than scalar (at this size the per-step overhead outweighs the kernels; try a larger --batch)");
    }

    /// <summary>"name 97.1%, …": the test accuracy of each class, by name.</summary>
    public static string PerClassAccuracy(SoftmaxClassifier model, LabeledImages set, IReadOnlyList<string> names, KernelPath path)
    {
        int[] predicted = model.Predict(set.Features, set.Count, path);
        var right = new int[names.Count];
        var total = new int[names.Count];
        for (int i = 0; i < set.Count; i++)
        {
            total[set.Labels[i]]++;
            if (predicted[i] == set.Labels[i]) right[set.Labels[i]]++;
        }
        return string.Join(", ", names.Select((n, j) => total[j] == 0 ? $"{n} –" : $"{n} {(double)right[j] / total[j]:P1}"));
    }

    public static void CenterOnTrainingMean(LabeledImages train, params LabeledImages[] others)
    {
        float[] mean = train.MeanImage();
        train.SubtractImage(mean);
        foreach (LabeledImages o in others) o.SubtractImage(mean);
    }

    public static int PlannedIterations(TrainingOptions o, int n)
    {
        int batch = Math.Min(o.BatchSize, Math.Max(n, 1));
        return o.Epochs > 0 ? (int)Math.Ceiling(o.Epochs * n / batch) : o.Iterations;
    }

    /// <param name="withRates">False for the sweep, whose learning rates and regularization strengths come from its grid.</param>
    public static string Describe(TrainingOptions o, int n, bool withRates = true)
    {
        int iterations = PlannedIterations(o, n);
        double epochs = n == 0 ? 0 : (double)iterations * Math.Min(o.BatchSize, n) / n;
        return (withRates ? $"lr {o.LearningRate:G4}, reg {o.Regularization:G4}, " : "") + $"batch {o.BatchSize}, {iterations} steps ({epochs:F1} epochs)"
            + (o.LearningRateDecay < 1 ? $", lr × {o.LearningRateDecay:G4} per epoch" : "")
            + $", seed {o.Seed}" + (o.Shuffle ? "" : ", stored order (no shuffling)") + (o.Threads > 1 ? $", threads {o.Threads}" : "");
    }

    /// <summary>Seconds per step of <paramref name="steps"/> steps, after a short warm-up (JIT, caches).</summary>
    public static double TimeSteps(LabeledImages train, int classes, TrainingOptions o, int steps)
    {
        var model = new SoftmaxClassifier(train.FeatureCount, classes, WeightInit.SmallGaussian, o.Seed);
        model.Train(train.Features, train.Labels, train.Count, o with { Iterations = Math.Min(steps, 3), Epochs = 0, Progress = null });
        TrainingResult r = model.Train(train.Features, train.Labels, train.Count, o with { Iterations = steps, Epochs = 0, Progress = null });
        return r.TimePerIteration.TotalSeconds;
    }

    public static string FormatSeconds(double s) =>
        s >= 1 ? $"{s:F2} s" : s >= 1e-3 ? $"{s * 1e3:F3} ms" : $"{s * 1e6:F1} µs";
}

/// <summary>
/// A live one-line progress bar with the current loss (rewritten with <c>\r</c> at most ten times a second); when the
/// output is redirected, a plain line every 10% instead.
/// </summary>
internal sealed class ProgressLine(string label, int total) : IDisposable
{
    private readonly bool _live = !Console.IsOutputRedirected;
    private long _lastDraw;
    private int _lastTenth = -1;
    private bool _open;

    public void Report(int iteration, float loss)
    {
        int done = iteration + 1;
        if (_live)
        {
            long now = Stopwatch.GetTimestamp();
            if (done < total && Stopwatch.GetElapsedTime(_lastDraw, now).TotalMilliseconds < 100) return;
            _lastDraw = now;
            const int width = 30;
            int filled = total == 0 ? width : (int)((long)done * width / total);
            Console.Write($"\r{label} [{new string('#', filled)}{new string('.', width - filled)}] {done,6}/{total}  loss {loss,8:F4}");
            _open = true;
        }
        else
        {
            int tenth = total == 0 ? 10 : (int)((long)done * 10 / total);
            if (tenth == _lastTenth) return;
            _lastTenth = tenth;
            Console.WriteLine($"{label} step {done,6}/{total}  loss {loss:F4}");
        }
    }

    public void Finish(float loss)
    {
        if (_open) Console.WriteLine();
        _open = false;
        _ = loss;
    }

    public void Dispose()
    {
        if (_open) Console.WriteLine();
        _open = false;
    }
}

/// <summary>The options <c>train</c> and <c>sweep</c> share: the data, the loss, the SGD settings and the kernel path.</summary>
/// <param name="defaultIterations">
/// Steps when <c>--iters</c> is not given: null for the data set's own default (<see cref="TrainDataSource.Defaults"/>); a
/// count (the sweep's shorter runs) for MNIST and Fashion-MNIST, while CIFAR-10 keeps the seed's 1500-step schedule.
/// </param>
internal sealed class TrainingOptionSet(int? defaultIterations)
{
    private static readonly TrainingOptions Defaults = new();

    public Option<string> Dataset { get; } = TrainDataSource.CreateOption();
    public Option<ClassifierLoss> Loss { get; } = LossOption.Create();
    public Option<string?> Data { get; } = new("--data") { Description = "directory with the data set's files (default: data/mnist or data/fashion-mnist above the current directory or the program; Fashion-MNIST also /usr/share/datasets/fashion-mnist; CIFAR-10 needs it)", HelpName = "DIR" };
    public Option<bool> Center { get; } = new("--center") { Description = "subtract the training set's mean image from every image (CIFAR-10 always is)" };
    public Option<KernelPath> Path { get; } = Opt.Path();
    public Option<float> LearningRate { get; } = Opt.Float("--lr", "learning rate; the default shown is MNIST softmax's (MNIST SVM 0.3, Fashion-MNIST 0.5, CIFAR-10 1e-7)", Defaults.LearningRate, 0f, minExclusive: true);
    public Option<float> Regularization { get; } = Opt.Float("--reg", "L2 regularization strength (loss + ½·reg·ΣW²; CIFAR-10 default 5e4)", Defaults.Regularization, 0f);
    public Option<int> Batch { get; } = Opt.Int("--batch", "samples per SGD step", Defaults.BatchSize, 1, 1_000_000);
    public Option<int> Iterations { get; } = Opt.Int("--iters", "SGD steps (train: Fashion-MNIST 3000; CIFAR-10 1500 for train and sweep)", defaultIterations ?? Defaults.Iterations, 0, 100_000_000);
    public Option<float> Epochs { get; } = Opt.Float("--epochs", "passes over the training set; overrides --iters when > 0", 0f, 0f);
    public Option<float> Decay { get; } = Opt.Float("--decay", "learning rate factor per epoch, in (0, 1] (CIFAR-10 default 1)", Defaults.LearningRateDecay, 0f, 1f, minExclusive: true);
    public Option<int> Seed { get; } = Opt.Int("--seed", "seed of the starting weights and of the sample order", Defaults.Seed);
    public Option<int> Threads { get; } = Opt.Int("--threads", "threads of each step's loss kernel (results are the same for every count)", 1, 1, 1024);
    public Option<bool> NoShuffle { get; } = new("--no-shuffle") { Description = "take the samples in stored order instead of a fresh permutation every epoch" };

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Dataset, Loss, Data, Center, Path, LearningRate, Regularization, Batch, Iterations, Epochs, Decay, Seed, Threads, NoShuffle })
            command.Options.Add(o);
    }

    /// <summary>True when <paramref name="option"/> was written on the command line (not filled in by its default).</summary>
    public static bool Given(ParseResult r, Option option) => r.GetResult(option) is { Implicit: false };

    /// <summary>The data set's defaults (<see cref="TrainDataSource.Defaults"/>) with every option the user gave on top.</summary>
    public TrainingOptions Read(ParseResult r)
    {
        string dataset = r.GetValue(Dataset)!;
        TrainingOptions d = TrainDataSource.Defaults(dataset, r.GetValue(Loss));
        int iterations = Given(r, Iterations) ? r.GetValue(Iterations)
            : defaultIterations is int count && dataset != TrainDataSource.Cifar ? count : d.Iterations;
        return d with
        {
            Shuffle = !r.GetValue(NoShuffle),
            Path = r.GetValue(Path),
            LearningRate = Given(r, LearningRate) ? r.GetValue(LearningRate) : d.LearningRate,
            Regularization = Given(r, Regularization) ? r.GetValue(Regularization) : d.Regularization,
            BatchSize = r.GetValue(Batch),
            Iterations = iterations,
            Epochs = r.GetValue(Epochs),
            LearningRateDecay = Given(r, Decay) ? r.GetValue(Decay) : d.LearningRateDecay,
            Seed = r.GetValue(Seed),
            Threads = r.GetValue(Threads),
        };
    }
}

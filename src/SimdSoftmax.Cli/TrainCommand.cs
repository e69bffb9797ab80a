using System.Diagnostics;

namespace SimdSoftmax.Cli;

/// <summary>
/// <c>simdsoftmax train</c>: trains the softmax classifier on MNIST with minibatch SGD, shows the loss live, prints
/// train and test accuracy and the time per step, and times a few steps of the same run on the scalar reference path
/// for the speedup.
/// </summary>
internal static class TrainCommand
{
    public static int Run(Options options)
    {
        string? dataOption = options.String("data");
        string dataset = TrainDataSource.ReadName(options);
        TrainingOptions training = ReadTrainingOptions(options, TrainDataSource.Defaults(dataset, LossOption.Read(options)));
        bool center = options.Flag("center");
        string? imagePath = options.String("weights-image");
        int speedupIterations = options.Int("speedup-iters", 50, 0, 100_000);
        options.RejectUnknown();

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
            double scalarPerStep = TimeSteps(train, classes, training with { Path = KernelPath.Scalar }, speedupIterations);
            Console.WriteLine($"scalar:  {FormatSeconds(scalarPerStep)} per step on the scalar reference ({speedupIterations} timed steps) → {path} is {scalarPerStep / perStep:F1}× faster");
        }

        if (imagePath is not null)
        {
            ClassTemplateImage.WritePng(imagePath, model.Weights, train.Channels, train.Rows, train.Columns, data.ClassNames);
            Console.WriteLine($"image:   class templates ({string.Join(", ", data.ClassNames)}) written to {imagePath}");
        }
        return 0;
    }

    /// <summary>The SGD options every training command shares: --path --lr --reg --batch --iters --epochs --decay --seed --threads --no-shuffle.</summary>
    public static TrainingOptions ReadTrainingOptions(Options options, TrainingOptions? datasetDefaults = null)
    {
        TrainingOptions defaults = datasetDefaults ?? new TrainingOptions();
        KernelPath path = options.Path();
        float lr = options.Float("lr", defaults.LearningRate);
        if (lr <= 0) throw new OptionException($"--lr must be > 0, not {lr}.");
        float reg = options.Float("reg", defaults.Regularization);
        if (reg < 0) throw new OptionException($"--reg must be ≥ 0, not {reg}.");
        int batch = options.Int("batch", defaults.BatchSize, 1, 1_000_000);
        int iterations = options.Int("iters", defaults.Iterations, 0, 100_000_000);
        float epochs = options.Float("epochs", 0);
        if (epochs < 0) throw new OptionException($"--epochs must be ≥ 0, not {epochs}.");
        float decay = options.Float("decay", defaults.LearningRateDecay);
        if (!(decay > 0 && decay <= 1)) throw new OptionException($"--decay must be in (0, 1], not {decay}.");
        int seed = options.Int("seed", defaults.Seed);
        int threads = options.Int("threads", 1, 1, 1024);
        bool shuffle = !options.Flag("no-shuffle");
        return defaults with
        {
            Shuffle = shuffle,
            Path = path, LearningRate = lr, Regularization = reg, BatchSize = batch, Iterations = iterations,
            Epochs = epochs, LearningRateDecay = decay, Seed = seed, Threads = threads,
        };
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

    public static string Describe(TrainingOptions o, int n)
    {
        int iterations = PlannedIterations(o, n);
        double epochs = n == 0 ? 0 : (double)iterations * Math.Min(o.BatchSize, n) / n;
        return $"lr {o.LearningRate:G4}, reg {o.Regularization:G4}, batch {o.BatchSize}, {iterations} steps ({epochs:F1} epochs)"
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

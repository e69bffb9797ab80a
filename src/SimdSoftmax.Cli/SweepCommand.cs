using System.Globalization;

namespace SimdSoftmax.Cli;

/// <summary>
/// <c>simdsoftmax sweep</c>: the CS231n grid search — every learning rate × every regularization strength, each
/// trained on the training set minus a validation split and scored on that split — printed as a table, best marked.
/// The test set is never looked at.
/// </summary>
internal static class SweepCommand
{
    public static int Run(Options options)
    {
        string? dataOption = options.String("data");
        string dataset = TrainDataSource.ReadName(options);
        bool cifar = dataset == TrainDataSource.Cifar;
        // CIFAR-10: the seed's grid (softmax.ipynb: lr 1e-7, 5e-7 × reg 2.5e4, 5e4 in its reg·ΣW² convention), with reg
        // doubled for ours (½·reg·ΣW², gradient reg·W): the same models.
        float[] lrs = FloatList(options, "lrs", cifar ? [1e-7f, 5e-7f] : [0.05f, 0.2f, 0.5f, 1f]);
        float[] regs = FloatList(options, "regs", cifar ? [5e4f, 1e5f] : [0f, 1e-4f, 1e-3f, 1e-2f]);
        int validation = options.Int("val", 1000, 1, int.MaxValue);
        bool center = options.Flag("center");
        TrainingOptions baseOptions = TrainCommand.ReadTrainingOptions(options, TrainDataSource.Defaults(dataset, LossOption.Read(options)));
        if (!cifar && options.String("iters") is null && baseOptions.Epochs == 0) baseOptions = baseOptions with { Iterations = 500 };
        options.RejectUnknown();

        TrainData data = TrainDataSource.Load(dataset, dataOption, center: false);
        if (validation >= data.Train.Count) throw new OptionException($"--val {validation} leaves no training images (the training set has {data.Train.Count}).");
        var (train, val) = data.Train.Split(data.Train.Count - validation, MnistSource.BuiltInSplitSeed + 1);
        if (center) TrainCommand.CenterOnTrainingMean(train, val);
        int classes = data.Classes;
        KernelPath path = KernelPaths.Resolve(baseOptions.Path);
        Console.WriteLine($"data:    {data.Description}; {data.Preprocessing}");
        Console.WriteLine($"model:   {LossOption.Describe(baseOptions.Loss)} linear classifier; regularization ½·reg·ΣW² (gradient reg·W): the course's reg·ΣW² is ours with reg doubled");
        Console.WriteLine($"sweep:   {lrs.Length} learning rates × {regs.Length} regularization strengths; training on {train.Count:N0}, validating on {val.Count:N0} carved from the training set");
        Console.WriteLine($"SGD:     {TrainCommand.Describe(baseOptions, train.Count)}; path {path}");
        Console.WriteLine();
        bool live = !Console.IsOutputRedirected;
        int total = lrs.Length * regs.Length;

        var rows = new List<(float Lr, float Reg, string Line, double Val)>();
        double bestVal = -1;
        int best = -1;
        foreach (float lr in lrs)
            foreach (float reg in regs)
            {
                var model = new SoftmaxClassifier(train.FeatureCount, classes, WeightInit.SmallGaussian, baseOptions.Seed);
                TrainingResult r = model.Train(train.Features, train.Labels, train.Count, baseOptions with { LearningRate = lr, Regularization = reg });
                string line;
                double valAccuracy = double.NaN;
                if (r.Diverged)
                {
                    line = $"{lr,9:G4} {reg,9:G4} {"diverged",8} {"",10} {"",8} {r.Elapsed.TotalSeconds,8:F2}s";
                }
                else
                {
                    double trainAccuracy = model.Accuracy(train.Features, train.Labels, train.Count, path);
                    valAccuracy = model.Accuracy(val.Features, val.Labels, val.Count, path);
                    line = $"{lr,9:G4} {reg,9:G4} {r.FinalLoss,8:F4} {trainAccuracy,10:P2} {valAccuracy,8:P2} {r.Elapsed.TotalSeconds,8:F2}s";
                    if (valAccuracy > bestVal) { bestVal = valAccuracy; best = rows.Count; }
                }
                rows.Add((lr, reg, line, valAccuracy));
                if (live) Console.Write($"\rrun {rows.Count}/{total}: lr {lr:G4} reg {reg:G4} → {(r.Diverged ? "diverged" : $"val {valAccuracy:P2}")}          ");
            }

        if (live) Console.Write("\r" + new string(' ', 70) + "\r");
        Console.WriteLine($"  {"lr",9} {"reg",9} {"loss",8} {"train acc",10} {"val acc",8} {"time",9}");
        for (int i = 0; i < rows.Count; i++) Console.WriteLine($"{(i == best ? "* " : "  ")}{rows[i].Line}{(i == best ? "  ← best" : "")}");
        Console.WriteLine();
        if (best < 0)
        {
            Console.Error.WriteLine("every run diverged; try smaller learning rates.");
            return 1;
        }
        Console.WriteLine($"best:    --lr {rows[best].Lr.ToString("G4", CultureInfo.InvariantCulture)} --reg {rows[best].Reg.ToString("G4", CultureInfo.InvariantCulture)}: validation accuracy {bestVal:P2}");
        return 0;
    }

    private static float[] FloatList(Options options, string name, float[] fallback)
    {
        string? s = options.String(name);
        if (s is null) return fallback;
        var values = new List<float>();
        foreach (string part in s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v) || v < 0)
                throw new OptionException($"--{name} must be a comma-separated list of finite numbers ≥ 0, not '{s}'.");
            values.Add(v);
        }
        if (values.Count == 0) throw new OptionException($"--{name} needs at least one value.");
        return values.ToArray();
    }
}

using System.CommandLine;
using System.Globalization;

namespace SimdSoftmax.Cli;

/// <summary>
/// <c>simdsoftmax sweep</c>: the CS231n grid search — every learning rate × every regularization strength, each
/// trained on the training set minus a validation split and scored on that split — printed as a table, best marked.
/// The test set is never looked at.
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var set = new TrainingOptionSet(defaultIterations: 500);
        var lrs = Opt.FloatList("--lrs", "learning rates to try (CIFAR-10: the seed's 1e-7,5e-7)", [0.05f, 0.2f, 0.5f, 1f]);
        var regs = Opt.FloatList("--regs", "regularization strengths to try (CIFAR-10: the seed's 5e4,1e5 in our ½·reg·ΣW² convention)", [0f, 1e-4f, 1e-3f, 1e-2f]);
        var validation = Opt.Int("--val", "images carved from the training set for validation", 1000, 1, int.MaxValue);
        var command = new Command("sweep", "grid search of learning rates × regularization strengths on a validation split") { lrs, regs, validation };
        set.AddTo(command);
        // --lr and --reg would be ignored (the grid sets both): leave them out rather than accept and drop them.
        command.Options.Remove(set.LearningRate);
        command.Options.Remove(set.Regularization);
        command.SetAction(r =>
        {
            // CIFAR-10: the seed's grid (softmax.ipynb: lr 1e-7, 5e-7 × reg 2.5e4, 5e4 in its reg·ΣW² convention), with reg
            // doubled for ours (½·reg·ΣW², gradient reg·W): the same models.
            bool cifar = r.GetValue(set.Dataset) == TrainDataSource.Cifar;
            float[] lrGrid = TrainingOptionSet.Given(r, lrs) || !cifar ? r.GetValue(lrs)! : [1e-7f, 5e-7f];
            float[] regGrid = TrainingOptionSet.Given(r, regs) || !cifar ? r.GetValue(regs)! : [5e4f, 1e5f];
            return Run(r.GetValue(set.Dataset)!, r.GetValue(set.Data), lrGrid, regGrid, r.GetValue(validation), r.GetValue(set.Center), set.Read(r));
        });
        return command;
    }

    public static int Run(string dataset, string? dataOption, float[] lrs, float[] regs, int validation, bool center, TrainingOptions baseOptions)
    {
        TrainData data = TrainDataSource.Load(dataset, dataOption, center: false);
        if (validation >= data.Train.Count) throw new OptionException($"--val {validation} leaves no training images (the training set has {data.Train.Count}).");
        var (train, val) = data.Train.Split(data.Train.Count - validation, MnistSource.BuiltInSplitSeed + 1);
        if (center) TrainCommand.CenterOnTrainingMean(train, val);
        int classes = data.Classes;
        KernelPath path = KernelPaths.Resolve(baseOptions.Path);
        Console.WriteLine($"data:    {data.Description}; {data.Preprocessing}");
        Console.WriteLine($"model:   {LossOption.Describe(baseOptions.Loss)} linear classifier; regularization ½·reg·ΣW² (gradient reg·W): the course's reg·ΣW² is ours with reg doubled");
        Console.WriteLine($"sweep:   {lrs.Length} learning rates × {regs.Length} regularization strengths; training on {train.Count:N0}, validating on {val.Count:N0} carved from the training set");
        Console.WriteLine($"SGD:     {TrainCommand.Describe(baseOptions, train.Count, withRates: false)}; path {path}");
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
}

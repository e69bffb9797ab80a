namespace SimdSoftmax.Cli;

/// <summary>A training set and a held-out set of MNIST, and which files they came from.</summary>
internal sealed record MnistSplit(LabeledImages Train, LabeledImages Test, string Description, string Directory);

/// <summary>
/// Finds <c>data/mnist</c> and loads it: the full set (60,000 training + 10,000 test images) when
/// <c>scripts/fetch-mnist.sh</c> has fetched it, else the built-in 10,000 test images split 8,000 / 2,000.
/// </summary>
internal static class MnistSource
{
    public const string TestImages = "t10k-images-idx3-ubyte", TestLabels = "t10k-labels-idx1-ubyte";
    public const string TrainImages = "train-images-idx3-ubyte", TrainLabels = "train-labels-idx1-ubyte";

    /// <summary>Seed of the built-in 8,000 / 2,000 split: fixed, so every run holds out the same images.</summary>
    public const int BuiltInSplitSeed = 20_260_101;

    /// <summary>The directory given by <c>--data</c>, or the first <c>data/mnist</c> with the test files found searching upward from the current directory, then from the program's directory.</summary>
    public static string FindDirectory(string? explicitDirectory)
    {
        if (explicitDirectory is not null)
        {
            if (File(explicitDirectory, TestImages) is null || File(explicitDirectory, TestLabels) is null)
                throw new OptionException($"--data {explicitDirectory}: no {TestImages}[.gz] and {TestLabels}[.gz] there.");
            return explicitDirectory;
        }
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "data", "mnist");
                if (File(candidate, TestImages) is not null && File(candidate, TestLabels) is not null) return candidate;
            }
        }
        throw new OptionException("cannot find data/mnist (with t10k-images-idx3-ubyte.gz) above the current directory or the program; run from the repository or pass --data DIR.");
    }

    /// <summary>The file <paramref name="name"/> or <paramref name="name"/>.gz in <paramref name="directory"/>, gzip preferred; null when neither exists.</summary>
    public static string? File(string directory, string name)
    {
        string gz = Path.Combine(directory, name + ".gz"), plain = Path.Combine(directory, name);
        return System.IO.File.Exists(gz) ? gz : System.IO.File.Exists(plain) ? plain : null;
    }

    public static MnistSplit Load(string directory)
    {
        string testImages = File(directory, TestImages)!, testLabels = File(directory, TestLabels)!;
        string? trainImages = File(directory, TrainImages), trainLabels = File(directory, TrainLabels);
        try
        {
            LabeledImages test = LabeledImages.Load(testImages, testLabels);
            if (trainImages is not null && trainLabels is not null)
            {
                LabeledImages train = LabeledImages.Load(trainImages, trainLabels);
                return new MnistSplit(train, test,
                    $"full MNIST: {train.Count:N0} training images, {test.Count:N0} test images ({directory})", directory);
            }
            var (first, second) = test.Split(test.Count * 4 / 5, BuiltInSplitSeed); // 8,000 / 2,000 of the real files
            return new MnistSplit(first, second,
                $"built-in MNIST test set split {first.Count:N0} train / {second.Count:N0} held out ({directory}; run scripts/fetch-mnist.sh for the full 60,000)", directory);
        }
        catch (InvalidDataException e)
        {
            throw new OptionException(e.Message);
        }
    }
}

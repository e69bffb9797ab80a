namespace SimdSoftmax;

/// <summary>How <see cref="Cifar10.Load"/> gives the classifier its bias.</summary>
public enum BiasMode
{
    /// <summary>The classifier's own bias vector b (S = X·W + b); D = 3072.</summary>
    Separate = 0,
    /// <summary>The course's "bias trick": a constant 1 appended to every sample (D = 3073), so the last row of W is the bias.</summary>
    ConstantFeature = 1,
}

/// <summary>CIFAR-10 as the course uses it: training and test images, class names, and the training mean image they were centred on.</summary>
/// <param name="Train">The training images (data_batch_1..5), centred.</param>
/// <param name="Test">The test images (test_batch), centred on the training mean.</param>
/// <param name="ClassNames">The ten class names, from batches.meta.txt when present.</param>
/// <param name="MeanImage">The training split's mean image (3072 floats, channel-major) that was subtracted.</param>
public sealed record Cifar10Data(LabeledImages Train, LabeledImages Test, IReadOnlyList<string> ClassNames, float[] MeanImage);

/// <summary>
/// Reader of the CIFAR-10 binary version (<c>cifar-10-batches-bin</c>): files of records of 1 label byte (0..9) and
/// 3,072 pixel bytes, three channel-major 32×32 planes (red, green, blue), each row-major.
/// </summary>
/// <remarks>
/// Pixels stay in 0..255 as floats, as in the course (its learning rates such as 1e-7 are for that scale). A file whose
/// size is not a whole number of records, that is empty, or that has a label ≥ 10 is an <see cref="InvalidDataException"/>
/// naming the file; nothing is returned until every file has been read and checked.
/// </remarks>
public static class Cifar10
{
    /// <summary>Image side: 32.</summary>
    public const int Side = 32;
    /// <summary>Colour planes: 3.</summary>
    public const int Channels = 3;
    /// <summary>Pixel bytes per image: 3·32·32 = 3,072.</summary>
    public const int ImageBytes = Channels * Side * Side;
    /// <summary>Bytes per record: the label byte and the image.</summary>
    public const int RecordBytes = 1 + ImageBytes;
    /// <summary>Number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>The training batch files, in order.</summary>
    public static IReadOnlyList<string> TrainingFiles { get; } = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];
    /// <summary>The test batch file.</summary>
    public const string TestFile = "test_batch.bin";
    /// <summary>The class names file (one name per line).</summary>
    public const string MetaFile = "batches.meta.txt";

    /// <summary>The class names CIFAR-10 ships in <see cref="MetaFile"/>, used when that file is absent.</summary>
    public static IReadOnlyList<string> DefaultClassNames { get; } = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>Whether <paramref name="directory"/> holds every batch file (what <see cref="Load"/> needs).</summary>
    public static bool IsPresent(string directory) =>
        TrainingFiles.Append(TestFile).All(f => File.Exists(Path.Combine(directory, f)));

    /// <summary>Reads one batch file: its images (raw 0..255 values as floats, channel-major) and labels.</summary>
    /// <param name="path">A CIFAR-10 binary batch file.</param>
    /// <exception cref="InvalidDataException">The file is empty, not a whole number of 3,073-byte records, or has a label outside 0..9.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static LabeledImages ReadBatch(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        int n = CheckedRecordCount(path, new FileInfo(path).Length);
        var x = new float[(long)n * ImageBytes];
        var y = new int[n];
        ReadRecords(path, n, x, y);
        return new LabeledImages(x, y, Side, Side, Channels);
    }

    /// <summary>The number of records in a file of <paramref name="length"/> bytes, or the error that names the file.</summary>
    private static int CheckedRecordCount(string path, long length)
    {
        if (length == 0 || length % RecordBytes != 0 || length / RecordBytes > int.MaxValue / ImageBytes)
            throw new InvalidDataException(
                $"CIFAR-10 file '{path}' holds {length:N0} bytes, not a whole number of {RecordBytes:N0}-byte records (1 label byte + 3×32×32 pixels){(length > 0 ? $": truncated or not a CIFAR-10 binary batch ({length / RecordBytes:N0} whole records and {length % RecordBytes:N0} bytes more)" : "")}.");
        return (int)(length / RecordBytes);
    }

    /// <summary>Reads <paramref name="n"/> records straight into <paramref name="x"/> and <paramref name="y"/> (no per-file copy of the floats).</summary>
    private static void ReadRecords(string path, int n, Span<float> x, Span<int> y)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length != (long)n * RecordBytes) // the file changed after its size was checked
        {
            CheckedRecordCount(path, bytes.Length);
            throw new InvalidDataException($"CIFAR-10 file '{path}' changed size while being read.");
        }
        for (int i = 0; i < n; i++)
        {
            int offset = i * RecordBytes;
            byte label = bytes[offset];
            if (label >= ClassCount)
                throw new InvalidDataException($"CIFAR-10 file '{path}': record {i} has label {label}, outside 0..9 (is this the CIFAR-100 format or another file?).");
            y[i] = label;
            System.Numerics.Tensors.TensorPrimitives.ConvertChecked<byte, float>(bytes.AsSpan(offset + 1, ImageBytes), x.Slice(i * ImageBytes, ImageBytes));
        }
    }

    /// <summary>The class names of <see cref="MetaFile"/> in <paramref name="directory"/> (its first ten non-empty lines), else <see cref="DefaultClassNames"/>.</summary>
    /// <exception cref="InvalidDataException">The file exists but has fewer than ten names.</exception>
    public static IReadOnlyList<string> ReadClassNames(string directory)
    {
        string path = Path.Combine(directory, MetaFile);
        if (!File.Exists(path)) return DefaultClassNames;
        string[] names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).Take(ClassCount).ToArray();
        if (names.Length < ClassCount)
            throw new InvalidDataException($"CIFAR-10 file '{path}' names {names.Length} classes; it must name {ClassCount}, one per line.");
        return names;
    }

    /// <summary>
    /// Loads the five training batches and the test batch of <paramref name="directory"/> with the course's preprocessing:
    /// the training split's mean image is subtracted from both splits, then the bias is either left to the classifier or
    /// added as a constant feature.
    /// </summary>
    /// <param name="directory">The <c>cifar-10-batches-bin</c> directory.</param>
    /// <param name="bias">Where the bias lives: <see cref="BiasMode.Separate"/> (D = 3072) or <see cref="BiasMode.ConstantFeature"/> (D = 3073).</param>
    /// <exception cref="FileNotFoundException">A batch file is missing (the message lists every missing one).</exception>
    /// <exception cref="InvalidDataException">A file is truncated, of the wrong size, or has a label outside 0..9.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bias"/> is not a defined value.</exception>
    public static Cifar10Data Load(string directory, BiasMode bias = BiasMode.Separate)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Enum.IsDefined(bias)) throw new ArgumentOutOfRangeException(nameof(bias), bias, "Not a defined BiasMode value.");
        string[] missing = TrainingFiles.Append(TestFile).Where(f => !File.Exists(Path.Combine(directory, f))).ToArray();
        if (missing.Length > 0)
            throw new FileNotFoundException(
                $"CIFAR-10 directory '{directory}' lacks {string.Join(", ", missing)}; it needs {string.Join(", ", TrainingFiles)} and {TestFile} (the binary version, cifar-10-binary.tar.gz).",
                Path.Combine(directory, missing[0]));
        IReadOnlyList<string> names = ReadClassNames(directory);
        // Every size is checked before anything is read, and the five batches land straight in one array: a wrong file
        // fails fast, and the 614 MB of training floats exist once.
        string[] paths = TrainingFiles.Select(f => Path.Combine(directory, f)).ToArray();
        int[] counts = paths.Select(p => CheckedRecordCount(p, new FileInfo(p).Length)).ToArray();
        string testPath = Path.Combine(directory, TestFile);
        int testCount = CheckedRecordCount(testPath, new FileInfo(testPath).Length);
        long total = counts.Sum(c => (long)c);
        if (total > int.MaxValue / ImageBytes)
            throw new InvalidDataException($"CIFAR-10 directory '{directory}' holds {total:N0} training records, more than one array can hold.");
        var x = new float[total * ImageBytes];
        var y = new int[total];
        int at = 0;
        for (int f = 0; f < paths.Length; f++)
        {
            ReadRecords(paths[f], counts[f], x.AsSpan(at * ImageBytes, counts[f] * ImageBytes), y.AsSpan(at, counts[f]));
            at += counts[f];
        }
        var testX = new float[(long)testCount * ImageBytes];
        var testY = new int[testCount];
        ReadRecords(testPath, testCount, testX, testY);
        var test = new LabeledImages(testX, testY, Side, Side, Channels);
        var train = new LabeledImages(x, y, Side, Side, Channels);
        float[] mean = train.MeanImage();
        train.SubtractImage(mean);
        test.SubtractImage(mean);
        if (bias == BiasMode.ConstantFeature)
        {
            train = train.WithConstantFeature();
            test = test.WithConstantFeature();
        }
        return new Cifar10Data(train, test, names, mean);
    }
}

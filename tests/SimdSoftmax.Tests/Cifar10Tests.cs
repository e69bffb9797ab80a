namespace SimdSoftmax.Tests;

/// <summary>The CIFAR-10 binary reader on files in the CIFAR-10 format that the tests write.</summary>
public sealed class Cifar10Tests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cifar10-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A record whose pixel (channel, row, col) is (seed + 7·channel + row + 3·col) mod 256.</summary>
    internal static byte[] Record(int label, int seed)
    {
        var r = new byte[Cifar10.RecordBytes];
        r[0] = (byte)label;
        for (int ch = 0; ch < 3; ch++)
            for (int row = 0; row < 32; row++)
                for (int col = 0; col < 32; col++)
                    r[1 + ch * 1024 + row * 32 + col] = (byte)((seed + 7 * ch + row + 3 * col) % 256);
        return r;
    }

    /// <summary>Writes data_batch_1..5 (<paramref name="perBatch"/> records each) and test_batch (<paramref name="testCount"/>) into <paramref name="dir"/>.</summary>
    internal static void WriteDataSet(string dir, int perBatch, int testCount, bool meta = true)
    {
        int sample = 0;
        foreach (string f in Cifar10.TrainingFiles)
        {
            var bytes = new List<byte>();
            for (int i = 0; i < perBatch; i++, sample++) bytes.AddRange(Record(sample % 10, 11 * sample));
            File.WriteAllBytes(Path.Combine(dir, f), bytes.ToArray());
        }
        File.WriteAllBytes(Path.Combine(dir, Cifar10.TestFile), Enumerable.Range(0, testCount).SelectMany(i => Record((i * 3) % 10, 500 + 5 * i)).ToArray());
        if (meta) File.WriteAllLines(Path.Combine(dir, Cifar10.MetaFile), ["plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck", ""]);
    }

    [Fact]
    public void Reads_labels_and_channel_major_pixels()
    {
        string path = Path.Combine(_dir, "one.bin");
        File.WriteAllBytes(path, [.. Record(3, 10), .. Record(9, 20)]);
        LabeledImages b = Cifar10.ReadBatch(path);
        Assert.Equal(new[] { 3, 9 }, b.Labels);
        Assert.Equal((3, 32, 32, 3072, 3072), (b.Channels, b.Height, b.Width, b.PixelCount, b.FeatureCount));
        // Sample 1, green plane (channel 1), row 5, column 7.
        Assert.Equal((20 + 7 + 5 + 21) % 256, b.Features[3072 + 1024 + 5 * 32 + 7]);
        Assert.Equal(10f, b.Features[0]);
    }

    [Fact]
    public void Load_centres_both_splits_on_the_training_mean_and_keeps_the_class_names()
    {
        WriteDataSet(_dir, perBatch: 3, testCount: 4);
        Cifar10Data data = Cifar10.Load(_dir);
        Assert.Equal(15, data.Train.Count);
        Assert.Equal(4, data.Test.Count);
        Assert.Equal("car", data.ClassNames[1]);
        Assert.Equal(10, data.ClassNames.Count);
        Assert.Equal(Enumerable.Range(0, 15).Select(i => i % 10), data.Train.Labels);
        // The training mean of pixel 0 (seeds 0, 11, ..., 154, all < 256): mean of 11·i.
        double mean0 = Enumerable.Range(0, 15).Average(i => 11.0 * i);
        Assert.Equal(mean0, data.MeanImage[0], 4);
        Assert.Equal(0 - mean0, data.Train.Features[0], 4);
        Assert.Equal(500 % 256 - mean0, data.Test.Features[0], 4); // test centred on the training mean, not its own
        for (int p = 0; p < 3072; p += 97)
            Assert.Equal(0.0, Enumerable.Range(0, 15).Average(i => (double)data.Train.Features[i * 3072 + p]), 3);
        Assert.False(data.Train.HasConstantFeature);
    }

    [Fact]
    public void Bias_trick_appends_a_constant_one_after_centring()
    {
        WriteDataSet(_dir, perBatch: 2, testCount: 3, meta: false);
        Cifar10Data plain = Cifar10.Load(_dir);
        Cifar10Data trick = Cifar10.Load(_dir, BiasMode.ConstantFeature);
        Assert.Equal(Cifar10.DefaultClassNames, trick.ClassNames);
        Assert.Equal(3073, trick.Train.FeatureCount);
        Assert.Equal(3073, trick.Test.FeatureCount);
        for (int i = 0; i < trick.Test.Count; i++)
        {
            Assert.Equal(1f, trick.Test.Features[i * 3073 + 3072]);
            Assert.Equal(plain.Test.Features.AsSpan(i * 3072, 3072).ToArray(), trick.Test.Features.AsSpan(i * 3073, 3072).ToArray());
        }
        Assert.Equal(3073, trick.Train.Subset([1, 0]).FeatureCount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3072)]
    [InlineData(3074)]
    [InlineData(2 * 3073 - 1)]
    public void Wrong_size_files_are_rejected_by_name(int length)
    {
        string path = Path.Combine(_dir, "bad.bin");
        File.WriteAllBytes(path, new byte[length]);
        var e = Assert.Throws<InvalidDataException>(() => Cifar10.ReadBatch(path));
        Assert.Contains("bad.bin", e.Message);
        Assert.Contains("3,073", e.Message);
    }

    [Fact]
    public void A_truncated_batch_fails_the_whole_load()
    {
        WriteDataSet(_dir, perBatch: 2, testCount: 2);
        string third = Path.Combine(_dir, "data_batch_3.bin");
        byte[] bytes = File.ReadAllBytes(third);
        File.WriteAllBytes(third, bytes[..^100]);
        var e = Assert.Throws<InvalidDataException>(() => Cifar10.Load(_dir));
        Assert.Contains("data_batch_3.bin", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Labels_outside_0_to_9_and_missing_files_are_errors()
    {
        WriteDataSet(_dir, perBatch: 1, testCount: 1);
        File.WriteAllBytes(Path.Combine(_dir, Cifar10.TestFile), Record(10, 1));
        Assert.Contains("label 10", Assert.Throws<InvalidDataException>(() => Cifar10.Load(_dir)).Message);
        File.Delete(Path.Combine(_dir, "data_batch_5.bin"));
        File.Delete(Path.Combine(_dir, Cifar10.TestFile));
        var e = Assert.Throws<FileNotFoundException>(() => Cifar10.Load(_dir));
        Assert.Contains("data_batch_5.bin, test_batch.bin", e.Message);
        Assert.False(Cifar10.IsPresent(_dir));
        File.WriteAllLines(Path.Combine(_dir, Cifar10.MetaFile), ["a", "b"]);
        Assert.Throws<InvalidDataException>(() => Cifar10.ReadClassNames(_dir));
    }
}

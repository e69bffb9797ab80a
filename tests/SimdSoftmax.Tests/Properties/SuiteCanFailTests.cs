namespace SimdSoftmax.Tests.Properties;

/// <summary>
/// Proof that the properties can fail: a copy of the softmax with an off-by-one in its sum (the last column left out)
/// must be reported, with a replay command, well within a minute; and the printed seed must replay the failure.
/// </summary>
public class SuiteCanFailTests
{
    /// <summary>Row softmax whose sum skips the last entry of each row: right for the rest of the row only when it is ~0.</summary>
    private static void OffByOneSoftmax(ReadOnlySpan<float> x, Span<float> y, int cols)
    {
        for (int r = 0; r < x.Length / cols; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * cols, cols);
            float max = float.NegativeInfinity;
            foreach (float v in row) max = MathF.Max(max, v);
            double sum = 0;
            for (int j = 0; j < cols - 1; j++) sum += Math.Exp(row[j] - max);
            for (int j = 0; j < cols; j++) y[r * cols + j] = (float)(Math.Exp(row[j] - max) / sum);
        }
    }

    [Fact]
    public void OffByOneSoftmaxIsCaughtWithAReplayCommand()
    {
        const string name = "SimdSoftmax.Tests.Properties.SuiteCanFailTests.OffByOneSoftmaxIsCaughtWithAReplayCommand";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var failure = Assert.Throws<PropertyFailedException>(() =>
            PropertyRunner.Run(name, "off-by-one", SoftmaxProperties.Cases(), c => SoftmaxProperties.Check(c, OffByOneSoftmax, log: false), seconds: 5, environment: false));
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"took {clock.Elapsed}");
        Assert.Contains($"Replay: {PropertyRunner.SeedVariable}=", failure.Message);
        Assert.Contains($"--filter \"FullyQualifiedName={name}\"", failure.Message);
        Assert.Contains("rows=", failure.Message); // the shrunk case is printed

        string seed = System.Text.RegularExpressions.Regex.Match(failure.Message, PropertyRunner.SeedVariable + @"=(\S+)").Groups[1].Value;
        Assert.NotEqual("?", seed);
        Assert.Throws<PropertyFailedException>(() =>
            PropertyRunner.Run(name, "off-by-one replay", SoftmaxProperties.Cases(), c => SoftmaxProperties.Check(c, OffByOneSoftmax, log: false), seed: seed));
        // The same seed on the real kernel passes: the failure was the kernel's, not the case's.
        PropertyRunner.Run(name, "Scalar replay", SoftmaxProperties.Cases(), c => SoftmaxProperties.Check(c, (x, y, n) => Softmax.Rows(x, y, n, KernelPath.Scalar), log: false), seed: seed);
    }
}

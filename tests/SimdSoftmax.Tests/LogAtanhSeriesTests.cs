using System.Runtime.Intrinsics;

namespace SimdSoftmax.Tests;

/// <summary>
/// The log of the short-row log-softmax sums (both widths) against <c>Math.Log</c>: every float in [1, 64] (6·2²³ inputs, the
/// sums of rows of up to 64 columns), the octave and getmant-interval edges, and NaN. Bounds: 3e-7 absolute (log-softmax
/// asks for 1e-6) and 4 float ulps of the exact result (the rounding of t = (m − 1)/(m + 1) dominates near log = 0).
/// </summary>
public class LogAtanhSeriesTests
{
    private const double MaxAbsError = 3e-7, MaxUlps = 4;

    /// <summary>The error in float ulps of the exact result.</summary>
    private static double UlpError(float got, double exact)
    {
        float r = Math.Abs((float)exact);
        double ulp = Math.Max(float.BitIncrement(r) - r, float.Epsilon);
        return Math.Abs(got - exact) / ulp;
    }

    public static TheoryData<KernelPath> Widths => Paths.Simd;

    private static Vector512<float> LogOf(KernelPath path, Vector512<float> x) => path == KernelPath.Avx512
        ? LogAtanhSeries.Log(x)
        : Vector512.Create(LogAtanhSeries.Log(x.GetLower()), LogAtanhSeries.Log(x.GetUpper()));

    [SkippableTheory, MemberData(nameof(Widths))]
    public void Every_float_in_1_to_64_is_within_3e_7_and_4_ulp_of_Math_Log(KernelPath path)
    {
        Paths.Require(path);
        uint first = BitConverter.SingleToUInt32Bits(1f), last = BitConverter.SingleToUInt32Bits(64f);
        Span<float> xs = stackalloc float[16], ys = stackalloc float[16];
        double worst = 0, worstAbs = 0;
        float worstAt = 0, worstAbsAt = 0;
        for (uint b = first; b <= last; b += 16)
        {
            for (int i = 0; i < 16; i++) xs[i] = BitConverter.UInt32BitsToSingle(Math.Min(b + (uint)i, last));
            LogOf(path, Vector512.Create<float>(xs)).CopyTo(ys);
            for (int i = 0; i < 16; i++)
            {
                double error = UlpError(ys[i], Math.Log(xs[i])), abs = Math.Abs(ys[i] - Math.Log(xs[i]));
                if (!(error <= worst)) { worst = error; worstAt = xs[i]; }
                if (!(abs <= worstAbs)) { worstAbs = abs; worstAbsAt = xs[i]; }
            }
        }
        Assert.True(worst <= MaxUlps, $"max error {worst:F3} ulp at {worstAt:R}");
        Assert.True(worstAbs <= MaxAbsError, $"max |error| {worstAbs:E3} at {worstAbsAt:R}");
    }

    [SkippableTheory, MemberData(nameof(Widths))]
    public void Interval_edges_and_NaN(KernelPath path)
    {
        Paths.Require(path);
        var inputs = new List<float> { 1f, float.BitDecrement(1.5f), 1.5f, float.BitIncrement(1.5f), float.BitDecrement(2f), 2f, 3f, 10f, 16f, 63.999996f, 64f };
        for (int k = 0; k <= 6; k++) inputs.Add(MathF.ScaleB(1.5f, k));
        float[] x = [.. inputs, .. Enumerable.Repeat(1f, 16 - inputs.Count % 16)];
        for (int o = 0; o < x.Length; o += 16)
        {
            float[] y = new float[16];
            LogOf(path, Vector512.Create<float>(x.AsSpan(o, 16))).CopyTo(y);
            for (int i = 0; i < 16; i++)
                Assert.True(UlpError(y[i], Math.Log(x[o + i])) <= MaxUlps && Math.Abs(y[i] - Math.Log(x[o + i])) <= MaxAbsError, $"log({x[o + i]:R}) = {y[i]:R}, expected {Math.Log(x[o + i]):R}");
        }
        float[] nan = new float[16];
        LogOf(path, Vector512.Create(float.NaN)).CopyTo(nan);
        Assert.All(nan, v => Assert.True(float.IsNaN(v)));
    }
}

namespace SimdSoftmax.Tests;

/// <summary>Assertions of closeness that say where and by how much.</summary>
public static class Compare
{
    /// <summary>|actual − expected| ≤ atol + rtol·|expected| element-wise; NaN must match NaN, ±∞ must match exactly.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double rtol, double atol = 0, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) || double.IsInfinity(e) || double.IsInfinity(a) || double.IsNaN(a))
            {
                if (!(double.IsNaN(e) && double.IsNaN(a)) && e != a)
                    Assert.Fail($"{what}[{i}]: expected {e}, got {a}");
                continue;
            }
            if (Math.Abs(a - e) > atol + rtol * Math.Abs(e))
                Assert.Fail($"{what}[{i}]: expected {e:R}, got {a:R} (|diff| {Math.Abs(a - e):E3} > {atol + rtol * Math.Abs(e):E3})");
        }
    }

    /// <summary>‖actual − expected‖ / max(‖expected‖, tiny) ≤ rtol (Frobenius).</summary>
    public static void CloseFrobenius(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double rtol, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        double num = 0, den = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = actual[i] - expected[i];
            num += d * d;
            den += expected[i] * expected[i];
        }
        double rel = Math.Sqrt(num) / Math.Max(Math.Sqrt(den), 1e-30);
        Assert.True(rel <= rtol || Math.Sqrt(num) < 1e-12, $"{what}: relative Frobenius error {rel:E3} > {rtol:E1}");
    }
}

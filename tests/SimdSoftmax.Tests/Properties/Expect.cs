using System.Globalization;

namespace SimdSoftmax.Tests.Properties;

/// <summary>
/// Comparison of a float result with a double-precision expectation: NaN must be NaN, ±∞ must be the same ∞, and a
/// finite expectation must be met within the bound the caller derived from the operation.
/// </summary>
public static class Expect
{
    /// <summary>Unit roundoff of float, 2⁻²⁴.</summary>
    public const double U = 1.0 / (1 << 24);
    /// <summary>Smallest subnormal float, 2⁻¹⁴⁹: the absolute error of one operation whose result underflows.</summary>
    public const double Eta = 1.401298464324817e-45;
    /// <summary>2⁻¹²⁵: two FLT_MIN, the most an exponential flushed below the SIMD cutoff (a probability under FLT_MIN) can differ by.</summary>
    public const double Flush = 2.350988701644575e-38;

    public static void Near(string what, int index, float actual, double expected, double tolerance)
    {
        if (double.IsNaN(expected))
        {
            if (!float.IsNaN(actual)) Fail(what, index, actual, expected, tolerance, "expected NaN");
            return;
        }
        if (double.IsInfinity(expected))
        {
            if (actual != expected) Fail(what, index, actual, expected, tolerance, "expected this infinity");
            return;
        }
        if (float.IsNaN(actual)) Fail(what, index, actual, expected, tolerance, "NaN where the reference is finite");
        if (float.IsInfinity(actual))
        {
            // A finite double past FLT_MAX (beyond rounding to FLT_MAX) is ∞ in float.
            if (Math.Abs(expected) >= float.MaxValue && Math.Sign(actual) == Math.Sign(expected)) return;
            Fail(what, index, actual, expected, tolerance, "∞ where the reference is finite");
        }
        if (Math.Abs(actual - expected) > tolerance) Fail(what, index, actual, expected, tolerance, "outside the bound");
    }

    private static void Fail(string what, int index, float actual, double expected, double tolerance, string why) =>
        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
            $"{what}[{index}] = {actual:R}, reference {expected:R}, bound {tolerance:G3} (error {Math.Abs(actual - expected):G3}): {why}."));
}

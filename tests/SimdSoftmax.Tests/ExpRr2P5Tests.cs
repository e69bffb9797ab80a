using System.Runtime.Intrinsics;

namespace SimdSoftmax.Tests;

/// <summary>
/// The vectorized exp against double precision: every float in [−87.3, 0] (≈ 1.12·10⁹ inputs) for both widths,
/// plus the special inputs. The oracle for the sweep is <c>Vector512.Exp</c> on doubles (error ≈ 1 double ulp, i.e.
/// 2⁻²⁹ of a float ulp); a strided sample checks that oracle against <c>Math.Exp</c> itself.
/// </summary>
public class ExpRr2P5Tests
{
    private const double MaxUlp = 2.0;
    private const uint MinusZeroBits = 0x8000_0000u;
    private static readonly uint s_lowestBits = BitConverter.SingleToUInt32Bits(-87.3f); // most negative input swept

    public static TheoryData<KernelPath> Widths => Paths.Simd;

    private static Vector512<float> ExpOf(KernelPath path, Vector512<float> x) => path == KernelPath.Avx512
        ? ExpRr2P5.Exp(x)
        : Vector512.Create(ExpRr2P5.Exp(x.GetLower()), ExpRr2P5.Exp(x.GetUpper()));

    /// <summary>Largest error in float ulps (of the double result) over the floats whose bits are [first, last].</summary>
    private static double MaxUlpError(KernelPath path, uint first, uint last, out uint worstBits)
    {
        // Negative floats: bits increase as values decrease, so one int-vector add walks the range.
        Vector512<uint> step = Vector512.Create(16u);
        Vector512<uint> bits = Vector512.Create(first) + Vector512<uint>.Indices;
        Vector512<double> worst = Vector512<double>.Zero;
        Vector512<ulong> worstAt = Vector512<ulong>.Zero;
        Vector512<long> ulpExponentShift = Vector512.Create(23L << 52);
        Vector512<long> exponentMask = Vector512.Create(0x7FF0_0000_0000_0000L);
        for (ulong b = first; b <= last; b += 16)
        {
            // Clamp past-the-end lanes of the final vector onto `last` (re-checking one input is harmless).
            Vector512<uint> clamped = Vector512.Min(bits, Vector512.Create(last));
            Vector512<float> x = clamped.AsSingle();
            Vector512<float> f = ExpOf(path, x);
            (Vector512<double> xLo, Vector512<double> xHi) = Vector512.Widen(x);
            (Vector512<double> fLo, Vector512<double> fHi) = Vector512.Widen(f);
            Vector512<double> eLo = Vector512.Exp(xLo), eHi = Vector512.Exp(xHi);
            // ulp of a float near e, as a double: 2^(exponent(e) − 23).
            Vector512<double> ulpLo = ((eLo.AsInt64() & exponentMask) - ulpExponentShift).AsDouble();
            Vector512<double> ulpHi = ((eHi.AsInt64() & exponentMask) - ulpExponentShift).AsDouble();
            Vector512<double> errLo = Vector512.Abs(fLo - eLo) / ulpLo;
            Vector512<double> errHi = Vector512.Abs(fHi - eHi) / ulpHi;
            // NaN (a broken kernel) must count as failure: Max with NaN operand is NaN, caught below.
            Vector512<double> err = Vector512.Max(errLo, errHi);
            Vector512<double> greater = Vector512.GreaterThan(err, worst) | ~Vector512.Equals(err, err);
            if (greater != Vector512<double>.Zero)
            {
                for (int i = 0; i < 8; i++)
                {
                    foreach ((double e, int lane) in new[] { (errLo[i], i), (errHi[i], i + 8) })
                        if (!(e <= worst[0]))
                        {
                            worst = Vector512.Create(double.IsNaN(e) ? double.PositiveInfinity : e);
                            worstAt = Vector512.Create((ulong)clamped[lane]);
                        }
                }
            }
            bits += step;
        }
        worstBits = (uint)worstAt[0];
        return worst[0];
    }

    /// <summary>The AVX2 kernel through 256-bit lanes (for processes without AVX-512, e.g. DOTNET_EnableAVX512=0).</summary>
    private static double MaxUlpError256(uint first, uint last, out uint worstBits)
    {
        // Negative floats: bits increase as values decrease, so one int-vector add walks the range.
        Vector256<uint> step = Vector256.Create(8u);
        Vector256<uint> bits = Vector256.Create(first) + Vector256<uint>.Indices;
        Vector256<double> worst = Vector256<double>.Zero;
        Vector256<ulong> worstAt = Vector256<ulong>.Zero;
        Vector256<long> ulpExponentShift = Vector256.Create(23L << 52);
        Vector256<long> exponentMask = Vector256.Create(0x7FF0_0000_0000_0000L);
        for (ulong b = first; b <= last; b += 8)
        {
            // Clamp past-the-end lanes of the final vector onto `last` (re-checking one input is harmless).
            Vector256<uint> clamped = Vector256.Min(bits, Vector256.Create(last));
            Vector256<float> x = clamped.AsSingle();
            Vector256<float> f = ExpRr2P5.Exp(x);
            (Vector256<double> xLo, Vector256<double> xHi) = Vector256.Widen(x);
            (Vector256<double> fLo, Vector256<double> fHi) = Vector256.Widen(f);
            Vector256<double> eLo = Vector256.Exp(xLo), eHi = Vector256.Exp(xHi);
            // ulp of a float near e, as a double: 2^(exponent(e) − 23).
            Vector256<double> ulpLo = ((eLo.AsInt64() & exponentMask) - ulpExponentShift).AsDouble();
            Vector256<double> ulpHi = ((eHi.AsInt64() & exponentMask) - ulpExponentShift).AsDouble();
            Vector256<double> errLo = Vector256.Abs(fLo - eLo) / ulpLo;
            Vector256<double> errHi = Vector256.Abs(fHi - eHi) / ulpHi;
            // NaN (a broken kernel) must count as failure: Max with NaN operand is NaN, caught below.
            Vector256<double> err = Vector256.Max(errLo, errHi);
            Vector256<double> greater = Vector256.GreaterThan(err, worst) | ~Vector256.Equals(err, err);
            if (greater != Vector256<double>.Zero)
            {
                for (int i = 0; i < 4; i++)
                {
                    foreach ((double e, int lane) in new[] { (errLo[i], i), (errHi[i], i + 4) })
                        if (!(e <= worst[0]))
                        {
                            worst = Vector256.Create(double.IsNaN(e) ? double.PositiveInfinity : e);
                            worstAt = Vector256.Create((ulong)clamped[lane]);
                        }
                }
            }
            bits += step;
        }
        worstBits = (uint)worstAt[0];
        return worst[0];
    }

    [SkippableTheory, MemberData(nameof(Widths))]
    public void Every_float_in_minus_87_3_to_0_is_within_2_ulp(KernelPath path)
    {
        Paths.Require(path);
        bool wide = Vector512.IsHardwareAccelerated; // else the Avx2 kernel is swept through 256-bit lanes
        uint first = MinusZeroBits, last = s_lowestBits;
        int chunks = Environment.ProcessorCount * 8;
        uint per = (last - first) / (uint)chunks + 1;
        var results = new (double Err, uint Bits)[chunks];
        Parallel.For(0, chunks, c =>
        {
            uint lo = first + (uint)c * per;
            uint hi = (uint)Math.Min((ulong)last, (ulong)lo + per - 1);
            if (lo > last) return;
            double e = wide ? MaxUlpError(path, lo, hi, out uint at) : MaxUlpError256(lo, hi, out at);
            results[c] = (e, at);
        });
        (double worst, uint worstBits) = results.MaxBy(r => r.Err);
        float wx = BitConverter.UInt32BitsToSingle(worstBits);
        Assert.True(worst <= MaxUlp, $"{path}: max error {worst:F3} ulp at x = {wx:R} (0x{worstBits:X8})");
        // +0 is in the domain too (the sweep covers −0 … −87.3).
        Assert.Equal(1f, path == KernelPath.Avx512 ? ExpRr2P5.Exp(Vector512<float>.Zero)[0] : ExpRr2P5.Exp(Vector256<float>.Zero)[0]);
    }

    [SkippableTheory, MemberData(nameof(Widths))]
    public void Ulp_measure_without_avx512_on_a_sample(KernelPath path)
    {
        // The same check as the sweep on every 1021st input, with Math.Exp as the oracle: runs on AVX2-only
        // configurations (DOTNET_EnableAVX512=0) and validates the vector double-exp oracle of the full sweep.
        Paths.Require(path);
        double worst = 0;
        float worstX = 0;
        Span<float> xs = stackalloc float[16];
        Span<float> f = stackalloc float[16];
        for (ulong b = MinusZeroBits; b <= s_lowestBits; b += 1021 * 16)
        {
            for (int i = 0; i < 16; i++) xs[i] = BitConverter.UInt32BitsToSingle((uint)Math.Min(s_lowestBits, b + (ulong)i * 1021));
            if (path == KernelPath.Avx512) ExpRr2P5.Exp(Vector512.Create<float>(xs)).CopyTo(f);
            else
            {
                ExpRr2P5.Exp(Vector256.Create<float>(xs[..8])).CopyTo(f);
                ExpRr2P5.Exp(Vector256.Create<float>(xs[8..])).CopyTo(f[8..]);
            }
            for (int i = 0; i < 16; i++)
            {
                double e = Math.Exp(xs[i]);
                double ulp = Math.ScaleB(1.0, Math.ILogB(e) - 23);
                double err = Math.Abs(f[i] - e) / ulp;
                if (!(err <= worst)) { worst = double.IsNaN(err) ? double.PositiveInfinity : err; worstX = xs[i]; }
            }
        }
        Assert.True(worst <= MaxUlp, $"{path}: max error {worst:F3} ulp at x = {worstX:R}");
    }

    [SkippableTheory, MemberData(nameof(Widths))]
    public void Special_inputs(KernelPath path)
    {
        Paths.Require(path);
        float cutoff = ExpRr2P5.Cutoff;
        float[] x = [0f, -0f, float.NegativeInfinity, float.NaN, MathF.BitDecrement(cutoff), -100f, -1e30f, float.MinValue, cutoff, -1f, -87.3f, -1e-30f, -float.Epsilon, -88f, -103f, -150f];
        float[] expected = [1f, 1f, 0f, float.NaN, 0f, 0f, 0f, 0f, float.NaN /* checked below */, MathF.Exp(-1f), MathF.Exp(-87.3f), 1f, 1f, 0f, 0f, 0f];
        var f = new float[16];
        if (path == KernelPath.Avx512) ExpRr2P5.Exp(Vector512.Create<float>(x)).CopyTo(f);
        else
        {
            ExpRr2P5.Exp(Vector256.Create<float>(x.AsSpan(0, 8))).CopyTo(f);
            ExpRr2P5.Exp(Vector256.Create<float>(x.AsSpan(8, 8))).CopyTo(f.AsSpan(8));
        }
        for (int i = 0; i < x.Length; i++)
        {
            if (i == 8)
            {
                // At the cutoff itself the result is the smallest normal-range value or 0; never negative, never NaN.
                Assert.True(f[i] >= 0 && f[i] < 1.2e-38f, $"exp(cutoff) = {f[i]}");
                continue;
            }
            if (float.IsNaN(expected[i])) Assert.True(float.IsNaN(f[i]), $"exp({x[i]}) = {f[i]}, expected NaN");
            else if (expected[i] == 0f) Assert.True(f[i] == 0f && !float.IsNegative(f[i]), $"exp({x[i]}) = {f[i]}, expected +0");
            else Assert.True(Math.Abs(f[i] - expected[i]) <= 2 * (MathF.BitIncrement(expected[i]) - expected[i]), $"exp({x[i]}) = {f[i]:R}, expected {expected[i]:R}");
        }
    }
}

namespace SimdSoftmax;

/// <summary>
/// The scalar reference's exponential: <see cref="MathF.Exp"/>, except that arguments below the SIMD exponential's
/// cutoff (−0x1.5D589Ep6 ≈ −87.336, where the result would be subnormal) give +0, as every SIMD path does. The
/// reference therefore agrees with the SIMD paths on which probabilities underflow, and a probability below
/// FLT_MIN is never a difference between paths.
/// </summary>
internal static class ScalarExp
{
    /// <summary>The first argument whose exponential is a normal float; below it the result is flushed to +0.</summary>
    public static float Cutoff => BitConverter.Int32BitsToSingle(unchecked((int)0xC2AEAC4F));

    /// <summary>exp(<paramref name="x"/>) in float, +0 below <see cref="Cutoff"/> (including −∞); NaN stays NaN.</summary>
    public static float Flushed(float x) => x < Cutoff ? 0f : MathF.Exp(x);
}

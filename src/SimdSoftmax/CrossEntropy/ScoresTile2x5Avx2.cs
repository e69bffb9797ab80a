using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: a hand-scheduled register tile sized to AVX2's 16 ymm registers (10 accumulators).
/// Forward microkernel of the fused classifier, Avx2: partial scores of 2 rows × 5 classes over a chunk of D,
/// <c>acc[r][j] += x_r[k..k+8) ⊙ Wᵀ_j[k..k+8)</c> in 10 vector accumulators (dot products along D, reduced
/// horizontally only once per row block). Per step: 2 loads of X, 5 loads of packed Wᵀ, 10 FMAs.
/// </summary>
/// <remarks>
/// <c>w</c> is the packed panel (<see cref="SoftmaxLossFused"/>): for each vector block of D the 5 classes' 8 floats
/// are contiguous, so every load is at a constant displacement. The panel is zero past D; X is read with masked
/// loads on the last, partial vector, never past its row.
/// <para>Each step also prefetches one line of the driver's next row block into L2 (<c>pf</c>, advanced by <c>pfStep</c>,
/// which may be 0), so memory streams in while this block computes; prefetches never fault and never change results.</para>
/// </remarks>
internal static unsafe class ScoresTile2x5Avx2
{
    public const int Rows = 2;
    public const int Classes = 5;

    /// <summary>Adds (or, when <paramref name="first"/>, writes) the partial sums of <paramref name="count"/> columns into the 10 vectors at <paramref name="p"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* x0, float* x1, float* w, int count, float* p, bool first, byte* pf, nint pfStep)
    {
        Debug.Assert(count >= 0);
        Vector256<float> a00 = Vector256<float>.Zero, a01 = Vector256<float>.Zero, a02 = Vector256<float>.Zero, a03 = Vector256<float>.Zero, a04 = Vector256<float>.Zero, a10 = Vector256<float>.Zero, a11 = Vector256<float>.Zero, a12 = Vector256<float>.Zero, a13 = Vector256<float>.Zero, a14 = Vector256<float>.Zero;
        if (!first)
        {
            a00 = Vector256.Load(p + 0);
            a01 = Vector256.Load(p + 8);
            a02 = Vector256.Load(p + 16);
            a03 = Vector256.Load(p + 24);
            a04 = Vector256.Load(p + 32);
            a10 = Vector256.Load(p + 40);
            a11 = Vector256.Load(p + 48);
            a12 = Vector256.Load(p + 56);
            a13 = Vector256.Load(p + 64);
            a14 = Vector256.Load(p + 72);
        }
        int k = 0;
        for (; k <= count - 8; k += 8)
        {
            Vector256<float> x0v = Vector256.Load(x0 + k);
            Vector256<float> x1v = Vector256.Load(x1 + k);
            Vector256<float> w0 = Vector256.Load(w + 0);
            a00 = Fma.MultiplyAdd(x0v, w0, a00);
            a10 = Fma.MultiplyAdd(x1v, w0, a10);
            Vector256<float> w1 = Vector256.Load(w + 8);
            a01 = Fma.MultiplyAdd(x0v, w1, a01);
            a11 = Fma.MultiplyAdd(x1v, w1, a11);
            Vector256<float> w2 = Vector256.Load(w + 16);
            a02 = Fma.MultiplyAdd(x0v, w2, a02);
            a12 = Fma.MultiplyAdd(x1v, w2, a12);
            Vector256<float> w3 = Vector256.Load(w + 24);
            a03 = Fma.MultiplyAdd(x0v, w3, a03);
            a13 = Fma.MultiplyAdd(x1v, w3, a13);
            Vector256<float> w4 = Vector256.Load(w + 32);
            a04 = Fma.MultiplyAdd(x0v, w4, a04);
            a14 = Fma.MultiplyAdd(x1v, w4, a14);
            Sse.Prefetch1(pf);
            pf += pfStep;
            w += 40;
        }
        if (k < count)
        {
            Vector256<float> m = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count - k)).AsSingle();
            Vector256<float> x0v = Avx.MaskLoad(x0 + k, m);
            Vector256<float> x1v = Avx.MaskLoad(x1 + k, m);
            Vector256<float> w0 = Vector256.Load(w + 0);
            a00 = Fma.MultiplyAdd(x0v, w0, a00);
            a10 = Fma.MultiplyAdd(x1v, w0, a10);
            Vector256<float> w1 = Vector256.Load(w + 8);
            a01 = Fma.MultiplyAdd(x0v, w1, a01);
            a11 = Fma.MultiplyAdd(x1v, w1, a11);
            Vector256<float> w2 = Vector256.Load(w + 16);
            a02 = Fma.MultiplyAdd(x0v, w2, a02);
            a12 = Fma.MultiplyAdd(x1v, w2, a12);
            Vector256<float> w3 = Vector256.Load(w + 24);
            a03 = Fma.MultiplyAdd(x0v, w3, a03);
            a13 = Fma.MultiplyAdd(x1v, w3, a13);
            Vector256<float> w4 = Vector256.Load(w + 32);
            a04 = Fma.MultiplyAdd(x0v, w4, a04);
            a14 = Fma.MultiplyAdd(x1v, w4, a14);
        }
        a00.Store(p + 0);
        a01.Store(p + 8);
        a02.Store(p + 16);
        a03.Store(p + 24);
        a04.Store(p + 32);
        a10.Store(p + 40);
        a11.Store(p + 48);
        a12.Store(p + 56);
        a13.Store(p + 64);
        a14.Store(p + 72);
    }
}

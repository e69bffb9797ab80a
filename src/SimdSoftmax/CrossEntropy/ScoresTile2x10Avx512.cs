using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: a hand-scheduled register tile sized to AVX-512's 32 zmm registers (20 accumulators).
/// Forward microkernel of the fused classifier, Avx512: partial scores of 2 rows × 10 classes over a chunk of D,
/// <c>acc[r][j] += x_r[k..k+16) ⊙ Wᵀ_j[k..k+16)</c> in 20 vector accumulators (dot products along D, reduced
/// horizontally only once per row block). Per step: 2 loads of X, 10 loads of packed Wᵀ, 20 FMAs.
/// </summary>
/// <remarks>
/// <c>w</c> is the packed panel (<see cref="SoftmaxLossFused"/>): for each vector block of D the 10 classes' 16 floats
/// are contiguous, so every load is at a constant displacement. The panel is zero past D; X is read with masked
/// loads on the last, partial vector, never past its row.
/// <para>Each step also prefetches one line of the driver's next row block into L2 (<c>pf</c>, advanced by <c>pfStep</c>,
/// which may be 0), so memory streams in while this block computes; prefetches never fault and never change results.</para>
/// </remarks>
internal static unsafe class ScoresTile2x10Avx512
{
    public const int Rows = 2;
    public const int Classes = 10;

    /// <summary>Adds (or, when <paramref name="first"/>, writes) the partial sums of <paramref name="count"/> columns into the 20 vectors at <paramref name="p"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* x0, float* x1, float* w, int count, float* p, bool first, byte* pf, nint pfStep)
    {
        Debug.Assert(count >= 0);
        Vector512<float> a00 = Vector512<float>.Zero, a01 = Vector512<float>.Zero, a02 = Vector512<float>.Zero, a03 = Vector512<float>.Zero, a04 = Vector512<float>.Zero, a05 = Vector512<float>.Zero, a06 = Vector512<float>.Zero, a07 = Vector512<float>.Zero, a08 = Vector512<float>.Zero, a09 = Vector512<float>.Zero, a10 = Vector512<float>.Zero, a11 = Vector512<float>.Zero, a12 = Vector512<float>.Zero, a13 = Vector512<float>.Zero, a14 = Vector512<float>.Zero, a15 = Vector512<float>.Zero, a16 = Vector512<float>.Zero, a17 = Vector512<float>.Zero, a18 = Vector512<float>.Zero, a19 = Vector512<float>.Zero;
        if (!first)
        {
            a00 = Vector512.Load(p + 0);
            a01 = Vector512.Load(p + 16);
            a02 = Vector512.Load(p + 32);
            a03 = Vector512.Load(p + 48);
            a04 = Vector512.Load(p + 64);
            a05 = Vector512.Load(p + 80);
            a06 = Vector512.Load(p + 96);
            a07 = Vector512.Load(p + 112);
            a08 = Vector512.Load(p + 128);
            a09 = Vector512.Load(p + 144);
            a10 = Vector512.Load(p + 160);
            a11 = Vector512.Load(p + 176);
            a12 = Vector512.Load(p + 192);
            a13 = Vector512.Load(p + 208);
            a14 = Vector512.Load(p + 224);
            a15 = Vector512.Load(p + 240);
            a16 = Vector512.Load(p + 256);
            a17 = Vector512.Load(p + 272);
            a18 = Vector512.Load(p + 288);
            a19 = Vector512.Load(p + 304);
        }
        int k = 0;
        for (; k <= count - 16; k += 16)
        {
            Vector512<float> x0v = Vector512.Load(x0 + k);
            Vector512<float> x1v = Vector512.Load(x1 + k);
            Vector512<float> w0 = Vector512.Load(w + 0);
            a00 = Avx512F.FusedMultiplyAdd(x0v, w0, a00);
            a10 = Avx512F.FusedMultiplyAdd(x1v, w0, a10);
            Vector512<float> w1 = Vector512.Load(w + 16);
            a01 = Avx512F.FusedMultiplyAdd(x0v, w1, a01);
            a11 = Avx512F.FusedMultiplyAdd(x1v, w1, a11);
            Vector512<float> w2 = Vector512.Load(w + 32);
            a02 = Avx512F.FusedMultiplyAdd(x0v, w2, a02);
            a12 = Avx512F.FusedMultiplyAdd(x1v, w2, a12);
            Vector512<float> w3 = Vector512.Load(w + 48);
            a03 = Avx512F.FusedMultiplyAdd(x0v, w3, a03);
            a13 = Avx512F.FusedMultiplyAdd(x1v, w3, a13);
            Vector512<float> w4 = Vector512.Load(w + 64);
            a04 = Avx512F.FusedMultiplyAdd(x0v, w4, a04);
            a14 = Avx512F.FusedMultiplyAdd(x1v, w4, a14);
            Vector512<float> w5 = Vector512.Load(w + 80);
            a05 = Avx512F.FusedMultiplyAdd(x0v, w5, a05);
            a15 = Avx512F.FusedMultiplyAdd(x1v, w5, a15);
            Vector512<float> w6 = Vector512.Load(w + 96);
            a06 = Avx512F.FusedMultiplyAdd(x0v, w6, a06);
            a16 = Avx512F.FusedMultiplyAdd(x1v, w6, a16);
            Vector512<float> w7 = Vector512.Load(w + 112);
            a07 = Avx512F.FusedMultiplyAdd(x0v, w7, a07);
            a17 = Avx512F.FusedMultiplyAdd(x1v, w7, a17);
            Vector512<float> w8 = Vector512.Load(w + 128);
            a08 = Avx512F.FusedMultiplyAdd(x0v, w8, a08);
            a18 = Avx512F.FusedMultiplyAdd(x1v, w8, a18);
            Vector512<float> w9 = Vector512.Load(w + 144);
            a09 = Avx512F.FusedMultiplyAdd(x0v, w9, a09);
            a19 = Avx512F.FusedMultiplyAdd(x1v, w9, a19);
            Sse.Prefetch1(pf);
            pf += pfStep;
            w += 160;
        }
        if (k < count)
        {
            Vector512<float> m = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count - k)).AsSingle();
            Vector512<float> x0v = Avx512F.MaskLoad(x0 + k, m, Vector512<float>.Zero);
            Vector512<float> x1v = Avx512F.MaskLoad(x1 + k, m, Vector512<float>.Zero);
            Vector512<float> w0 = Vector512.Load(w + 0);
            a00 = Avx512F.FusedMultiplyAdd(x0v, w0, a00);
            a10 = Avx512F.FusedMultiplyAdd(x1v, w0, a10);
            Vector512<float> w1 = Vector512.Load(w + 16);
            a01 = Avx512F.FusedMultiplyAdd(x0v, w1, a01);
            a11 = Avx512F.FusedMultiplyAdd(x1v, w1, a11);
            Vector512<float> w2 = Vector512.Load(w + 32);
            a02 = Avx512F.FusedMultiplyAdd(x0v, w2, a02);
            a12 = Avx512F.FusedMultiplyAdd(x1v, w2, a12);
            Vector512<float> w3 = Vector512.Load(w + 48);
            a03 = Avx512F.FusedMultiplyAdd(x0v, w3, a03);
            a13 = Avx512F.FusedMultiplyAdd(x1v, w3, a13);
            Vector512<float> w4 = Vector512.Load(w + 64);
            a04 = Avx512F.FusedMultiplyAdd(x0v, w4, a04);
            a14 = Avx512F.FusedMultiplyAdd(x1v, w4, a14);
            Vector512<float> w5 = Vector512.Load(w + 80);
            a05 = Avx512F.FusedMultiplyAdd(x0v, w5, a05);
            a15 = Avx512F.FusedMultiplyAdd(x1v, w5, a15);
            Vector512<float> w6 = Vector512.Load(w + 96);
            a06 = Avx512F.FusedMultiplyAdd(x0v, w6, a06);
            a16 = Avx512F.FusedMultiplyAdd(x1v, w6, a16);
            Vector512<float> w7 = Vector512.Load(w + 112);
            a07 = Avx512F.FusedMultiplyAdd(x0v, w7, a07);
            a17 = Avx512F.FusedMultiplyAdd(x1v, w7, a17);
            Vector512<float> w8 = Vector512.Load(w + 128);
            a08 = Avx512F.FusedMultiplyAdd(x0v, w8, a08);
            a18 = Avx512F.FusedMultiplyAdd(x1v, w8, a18);
            Vector512<float> w9 = Vector512.Load(w + 144);
            a09 = Avx512F.FusedMultiplyAdd(x0v, w9, a09);
            a19 = Avx512F.FusedMultiplyAdd(x1v, w9, a19);
        }
        a00.Store(p + 0);
        a01.Store(p + 16);
        a02.Store(p + 32);
        a03.Store(p + 48);
        a04.Store(p + 64);
        a05.Store(p + 80);
        a06.Store(p + 96);
        a07.Store(p + 112);
        a08.Store(p + 128);
        a09.Store(p + 144);
        a10.Store(p + 160);
        a11.Store(p + 176);
        a12.Store(p + 192);
        a13.Store(p + 208);
        a14.Store(p + 224);
        a15.Store(p + 240);
        a16.Store(p + 256);
        a17.Store(p + 272);
        a18.Store(p + 288);
        a19.Store(p + 304);
    }
}

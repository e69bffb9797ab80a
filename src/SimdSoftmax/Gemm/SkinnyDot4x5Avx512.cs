using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Skinny no-pack kernel for C = A·op(B) with A row-major (m×k) and few columns: 4 rows of A × 5 columns of op(B),
/// each a dot product vectorized along k (Vector512, 20 accumulators), so every lane does useful work even when n = 10.
/// op(B) columns are contiguous rows of <c>bt</c> (n×k). Works on a k chunk (a multiple of 16): the accumulators are
/// stored to <c>acc</c> (20 vectors, slot r·5 + j) and, with <c>accumulate</c>, resumed from it, so chunking k (to keep
/// the op(B) chunk in L1 across many rows) rounds exactly like one long chain. Rows and columns past the edge are
/// clamped by the caller to valid ones (their results are discarded), so nothing outside the matrices is read.
/// Written out per ISA by hand: each accumulator is a named local so the JIT keeps all of them in registers, and the
/// rows × columns it holds follow from the register count and vector width of the ISA. Listed in the ISA type
/// (Isa/*.Gemm.cs), tested by GemmMicrokernelTester.
/// </summary>
internal readonly unsafe struct SkinnyDot4x5Avx512 : ISkinnyDotKernel
{
    public static int Rows => 4;
    public static int Cols => 5;
    public static int Lanes => 16;

    /// <summary>acc[r·5 + j] (+)= lanes of Σₚ a_r[p]·b_j[p] for p in 0..k; prefetchDistance &gt; 0 prefetches each row of A that many floats ahead (k a multiple of 16).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Run(int k, float* a, nint lda, float* bt, nint ldbt, int* rowOffsets, int* colOffsets, float* acc, bool accumulate,
        nint prefetchDistance = 0)
    {
        Debug.Assert(k >= 0 && k % 16 == 0);
        float* a0 = a + rowOffsets[0] * lda;
        float* a1 = a + rowOffsets[1] * lda;
        float* a2 = a + rowOffsets[2] * lda;
        float* a3 = a + rowOffsets[3] * lda;
        float* b0 = bt + colOffsets[0] * ldbt;
        float* b1 = bt + colOffsets[1] * ldbt;
        float* b2 = bt + colOffsets[2] * ldbt;
        float* b3 = bt + colOffsets[3] * ldbt;
        float* b4 = bt + colOffsets[4] * ldbt;
        Vector512<float> s0_0, s0_1, s0_2, s0_3, s0_4;
        Vector512<float> s1_0, s1_1, s1_2, s1_3, s1_4;
        Vector512<float> s2_0, s2_1, s2_2, s2_3, s2_4;
        Vector512<float> s3_0, s3_1, s3_2, s3_3, s3_4;
        if (accumulate)
        {
            s0_0 = Vector512.Load(acc + 0); s0_1 = Vector512.Load(acc + 16); s0_2 = Vector512.Load(acc + 32); s0_3 = Vector512.Load(acc + 48); s0_4 = Vector512.Load(acc + 64);
            s1_0 = Vector512.Load(acc + 80); s1_1 = Vector512.Load(acc + 96); s1_2 = Vector512.Load(acc + 112); s1_3 = Vector512.Load(acc + 128); s1_4 = Vector512.Load(acc + 144);
            s2_0 = Vector512.Load(acc + 160); s2_1 = Vector512.Load(acc + 176); s2_2 = Vector512.Load(acc + 192); s2_3 = Vector512.Load(acc + 208); s2_4 = Vector512.Load(acc + 224);
            s3_0 = Vector512.Load(acc + 240); s3_1 = Vector512.Load(acc + 256); s3_2 = Vector512.Load(acc + 272); s3_3 = Vector512.Load(acc + 288); s3_4 = Vector512.Load(acc + 304);
        }
        else
        {
            s0_0 = Vector512<float>.Zero; s0_1 = Vector512<float>.Zero; s0_2 = Vector512<float>.Zero; s0_3 = Vector512<float>.Zero; s0_4 = Vector512<float>.Zero;
            s1_0 = Vector512<float>.Zero; s1_1 = Vector512<float>.Zero; s1_2 = Vector512<float>.Zero; s1_3 = Vector512<float>.Zero; s1_4 = Vector512<float>.Zero;
            s2_0 = Vector512<float>.Zero; s2_1 = Vector512<float>.Zero; s2_2 = Vector512<float>.Zero; s2_3 = Vector512<float>.Zero; s2_4 = Vector512<float>.Zero;
            s3_0 = Vector512<float>.Zero; s3_1 = Vector512<float>.Zero; s3_2 = Vector512<float>.Zero; s3_3 = Vector512<float>.Zero; s3_4 = Vector512<float>.Zero;
        }
        // Two copies of the loop, not one with the prefetches under a branch: the branch cost this 20-FMA body about 4%
        // on X·W 5000×3073×10 (Zen 4; the other skinny kernels, with the branch, measured level).
        if (prefetchDistance == 0)
        {
            for (int p = 0; p < k; p += 16)
            {
                Vector512<float> x0 = Vector512.Load(a0 + p);
                Vector512<float> x1 = Vector512.Load(a1 + p);
                Vector512<float> x2 = Vector512.Load(a2 + p);
                Vector512<float> x3 = Vector512.Load(a3 + p);
                Vector512<float> w0 = Vector512.Load(b0 + p);
                s0_0 = Avx512F.FusedMultiplyAdd(x0, w0, s0_0); s1_0 = Avx512F.FusedMultiplyAdd(x1, w0, s1_0); s2_0 = Avx512F.FusedMultiplyAdd(x2, w0, s2_0); s3_0 = Avx512F.FusedMultiplyAdd(x3, w0, s3_0);
                Vector512<float> w1 = Vector512.Load(b1 + p);
                s0_1 = Avx512F.FusedMultiplyAdd(x0, w1, s0_1); s1_1 = Avx512F.FusedMultiplyAdd(x1, w1, s1_1); s2_1 = Avx512F.FusedMultiplyAdd(x2, w1, s2_1); s3_1 = Avx512F.FusedMultiplyAdd(x3, w1, s3_1);
                Vector512<float> w2 = Vector512.Load(b2 + p);
                s0_2 = Avx512F.FusedMultiplyAdd(x0, w2, s0_2); s1_2 = Avx512F.FusedMultiplyAdd(x1, w2, s1_2); s2_2 = Avx512F.FusedMultiplyAdd(x2, w2, s2_2); s3_2 = Avx512F.FusedMultiplyAdd(x3, w2, s3_2);
                Vector512<float> w3 = Vector512.Load(b3 + p);
                s0_3 = Avx512F.FusedMultiplyAdd(x0, w3, s0_3); s1_3 = Avx512F.FusedMultiplyAdd(x1, w3, s1_3); s2_3 = Avx512F.FusedMultiplyAdd(x2, w3, s2_3); s3_3 = Avx512F.FusedMultiplyAdd(x3, w3, s3_3);
                Vector512<float> w4 = Vector512.Load(b4 + p);
                s0_4 = Avx512F.FusedMultiplyAdd(x0, w4, s0_4); s1_4 = Avx512F.FusedMultiplyAdd(x1, w4, s1_4); s2_4 = Avx512F.FusedMultiplyAdd(x2, w4, s2_4); s3_4 = Avx512F.FusedMultiplyAdd(x3, w4, s3_4);
            }
        }
        else
        {
            // A streams from memory: ask for its lines a distance ahead, into L2 (the hardware prefetcher alone left the
            // FMAs waiting on the rows of the panel in turn).
            for (int p = 0; p < k; p += 16)
            {
                Sse.Prefetch1(a0 + p + prefetchDistance); Sse.Prefetch1(a1 + p + prefetchDistance); Sse.Prefetch1(a2 + p + prefetchDistance); Sse.Prefetch1(a3 + p + prefetchDistance);
                Vector512<float> x0 = Vector512.Load(a0 + p);
                Vector512<float> x1 = Vector512.Load(a1 + p);
                Vector512<float> x2 = Vector512.Load(a2 + p);
                Vector512<float> x3 = Vector512.Load(a3 + p);
                Vector512<float> w0 = Vector512.Load(b0 + p);
                s0_0 = Avx512F.FusedMultiplyAdd(x0, w0, s0_0); s1_0 = Avx512F.FusedMultiplyAdd(x1, w0, s1_0); s2_0 = Avx512F.FusedMultiplyAdd(x2, w0, s2_0); s3_0 = Avx512F.FusedMultiplyAdd(x3, w0, s3_0);
                Vector512<float> w1 = Vector512.Load(b1 + p);
                s0_1 = Avx512F.FusedMultiplyAdd(x0, w1, s0_1); s1_1 = Avx512F.FusedMultiplyAdd(x1, w1, s1_1); s2_1 = Avx512F.FusedMultiplyAdd(x2, w1, s2_1); s3_1 = Avx512F.FusedMultiplyAdd(x3, w1, s3_1);
                Vector512<float> w2 = Vector512.Load(b2 + p);
                s0_2 = Avx512F.FusedMultiplyAdd(x0, w2, s0_2); s1_2 = Avx512F.FusedMultiplyAdd(x1, w2, s1_2); s2_2 = Avx512F.FusedMultiplyAdd(x2, w2, s2_2); s3_2 = Avx512F.FusedMultiplyAdd(x3, w2, s3_2);
                Vector512<float> w3 = Vector512.Load(b3 + p);
                s0_3 = Avx512F.FusedMultiplyAdd(x0, w3, s0_3); s1_3 = Avx512F.FusedMultiplyAdd(x1, w3, s1_3); s2_3 = Avx512F.FusedMultiplyAdd(x2, w3, s2_3); s3_3 = Avx512F.FusedMultiplyAdd(x3, w3, s3_3);
                Vector512<float> w4 = Vector512.Load(b4 + p);
                s0_4 = Avx512F.FusedMultiplyAdd(x0, w4, s0_4); s1_4 = Avx512F.FusedMultiplyAdd(x1, w4, s1_4); s2_4 = Avx512F.FusedMultiplyAdd(x2, w4, s2_4); s3_4 = Avx512F.FusedMultiplyAdd(x3, w4, s3_4);
            }
        }
        Vector512.Store(s0_0, acc + 0); Vector512.Store(s0_1, acc + 16); Vector512.Store(s0_2, acc + 32); Vector512.Store(s0_3, acc + 48); Vector512.Store(s0_4, acc + 64);
        Vector512.Store(s1_0, acc + 80); Vector512.Store(s1_1, acc + 96); Vector512.Store(s1_2, acc + 112); Vector512.Store(s1_3, acc + 128); Vector512.Store(s1_4, acc + 144);
        Vector512.Store(s2_0, acc + 160); Vector512.Store(s2_1, acc + 176); Vector512.Store(s2_2, acc + 192); Vector512.Store(s2_3, acc + 208); Vector512.Store(s2_4, acc + 224);
        Vector512.Store(s3_0, acc + 240); Vector512.Store(s3_1, acc + 256); Vector512.Store(s3_2, acc + 272); Vector512.Store(s3_3, acc + 288); Vector512.Store(s3_4, acc + 304);
    }

    public static float Sum(float* lanes) => Vector512.Sum(Vector512.Load(lanes));

    /// <summary>
    /// The 20 sums as a transpose-and-add network: each step adds lanes 2i and 2i+1 of the 32 lanes of two vectors
    /// (vpermt2ps even / odd + one add), so four steps take 16 accumulators to one vector of their 16 sums, each the same
    /// adjacent-pairs tree as <see cref="Sum"/> (equal bits; the kernel tester checks it). The last 4 go through the same
    /// steps with the vector paired with itself. About 3 instructions per sum against ~10.
    /// </summary>
    public static void SumTile(float* acc, float* sums)
    {
        Vector512<int> even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        Vector512<int> odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        Vector512<float> l0 = Pair(acc + 0 * 16, acc + 1 * 16, even, odd), l1 = Pair(acc + 2 * 16, acc + 3 * 16, even, odd);
        Vector512<float> l2 = Pair(acc + 4 * 16, acc + 5 * 16, even, odd), l3 = Pair(acc + 6 * 16, acc + 7 * 16, even, odd);
        Vector512<float> l4 = Pair(acc + 8 * 16, acc + 9 * 16, even, odd), l5 = Pair(acc + 10 * 16, acc + 11 * 16, even, odd);
        Vector512<float> l6 = Pair(acc + 12 * 16, acc + 13 * 16, even, odd), l7 = Pair(acc + 14 * 16, acc + 15 * 16, even, odd);
        Vector512<float> m0 = Pair(l0, l1, even, odd), m1 = Pair(l2, l3, even, odd), m2 = Pair(l4, l5, even, odd), m3 = Pair(l6, l7, even, odd);
        Vector512.Store(Pair(Pair(m0, m1, even, odd), Pair(m2, m3, even, odd), even, odd), sums);
        Vector512<float> t0 = Pair(acc + 16 * 16, acc + 17 * 16, even, odd), t1 = Pair(acc + 18 * 16, acc + 19 * 16, even, odd);
        Vector512<float> t = Pair(t0, t1, even, odd);   // lanes 4s..4s+3: quarter sums of accumulator 16 + s
        t = Pair(t, t, even, odd);
        t = Pair(t, t, even, odd);
        Vector128.Store(t.GetLower().GetLower(), sums + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pair(float* x, float* y, Vector512<int> even, Vector512<int> odd) =>
        Pair(Vector512.Load(x), Vector512.Load(y), even, odd);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pair(Vector512<float> x, Vector512<float> y, Vector512<int> even, Vector512<int> odd) =>
        Avx512F.PermuteVar16x32x2(x, even, y) + Avx512F.PermuteVar16x32x2(x, odd, y);
}

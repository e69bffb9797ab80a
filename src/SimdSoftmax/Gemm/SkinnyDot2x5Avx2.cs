using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Skinny no-pack kernel for C = A·op(B) with A row-major (m×k) and few columns: 2 rows of A × 5 columns of op(B),
/// each a dot product vectorized along k (Vector256, 10 accumulators), so every lane does useful work even when n = 10.
/// op(B) columns are contiguous rows of <c>bt</c> (n×k). Works on a k chunk (a multiple of 8): the accumulators are
/// stored to <c>acc</c> (10 vectors, slot r·5 + j) and, with <c>accumulate</c>, resumed from it, so chunking k (to keep
/// the op(B) chunk in L1 across many rows) rounds exactly like one long chain. Rows and columns past the edge are
/// clamped by the caller to valid ones (their results are discarded), so nothing outside the matrices is read.
/// Written out per ISA by hand: each accumulator is a named local so the JIT keeps all of them in registers, and the
/// rows × columns it holds follow from the register count and vector width of the ISA. Listed in the ISA type
/// (Isa/*.Gemm.cs), tested by GemmMicrokernelTester.
/// </summary>
internal readonly unsafe struct SkinnyDot2x5Avx2 : ISkinnyDotKernel
{
    public static int Rows => 2;
    public static int Cols => 5;
    public static int Lanes => 8;

    /// <summary>acc[r·5 + j] (+)= lanes of Σₚ a_r[p]·b_j[p] for p in 0..k; prefetchDistance &gt; 0 prefetches each row of A that many floats ahead (k a multiple of 8).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Run(int k, float* a, nint lda, float* bt, nint ldbt, int* rowOffsets, int* colOffsets, float* acc, bool accumulate,
        nint prefetchDistance = 0)
    {
        Debug.Assert(k >= 0 && k % 8 == 0);
        float* a0 = a + rowOffsets[0] * lda;
        float* a1 = a + rowOffsets[1] * lda;
        float* b0 = bt + colOffsets[0] * ldbt;
        float* b1 = bt + colOffsets[1] * ldbt;
        float* b2 = bt + colOffsets[2] * ldbt;
        float* b3 = bt + colOffsets[3] * ldbt;
        float* b4 = bt + colOffsets[4] * ldbt;
        Vector256<float> s0_0, s0_1, s0_2, s0_3, s0_4;
        Vector256<float> s1_0, s1_1, s1_2, s1_3, s1_4;
        if (accumulate)
        {
            s0_0 = Vector256.Load(acc + 0); s0_1 = Vector256.Load(acc + 8); s0_2 = Vector256.Load(acc + 16); s0_3 = Vector256.Load(acc + 24); s0_4 = Vector256.Load(acc + 32);
            s1_0 = Vector256.Load(acc + 40); s1_1 = Vector256.Load(acc + 48); s1_2 = Vector256.Load(acc + 56); s1_3 = Vector256.Load(acc + 64); s1_4 = Vector256.Load(acc + 72);
        }
        else
        {
            s0_0 = Vector256<float>.Zero; s0_1 = Vector256<float>.Zero; s0_2 = Vector256<float>.Zero; s0_3 = Vector256<float>.Zero; s0_4 = Vector256<float>.Zero;
            s1_0 = Vector256<float>.Zero; s1_1 = Vector256<float>.Zero; s1_2 = Vector256<float>.Zero; s1_3 = Vector256<float>.Zero; s1_4 = Vector256<float>.Zero;
        }
        for (int p = 0; p < k; p += 8)
        {
            if (prefetchDistance != 0)
            {
                // A streams from memory: ask for its lines a distance ahead, into L2 (the hardware prefetcher alone left the
                // FMAs waiting on the rows of the panel in turn).
                Sse.Prefetch1(a0 + p + prefetchDistance); Sse.Prefetch1(a1 + p + prefetchDistance);
            }
            Vector256<float> x0 = Vector256.Load(a0 + p);
            Vector256<float> x1 = Vector256.Load(a1 + p);
            Vector256<float> w0 = Vector256.Load(b0 + p);
            s0_0 = Fma.MultiplyAdd(x0, w0, s0_0); s1_0 = Fma.MultiplyAdd(x1, w0, s1_0);
            Vector256<float> w1 = Vector256.Load(b1 + p);
            s0_1 = Fma.MultiplyAdd(x0, w1, s0_1); s1_1 = Fma.MultiplyAdd(x1, w1, s1_1);
            Vector256<float> w2 = Vector256.Load(b2 + p);
            s0_2 = Fma.MultiplyAdd(x0, w2, s0_2); s1_2 = Fma.MultiplyAdd(x1, w2, s1_2);
            Vector256<float> w3 = Vector256.Load(b3 + p);
            s0_3 = Fma.MultiplyAdd(x0, w3, s0_3); s1_3 = Fma.MultiplyAdd(x1, w3, s1_3);
            Vector256<float> w4 = Vector256.Load(b4 + p);
            s0_4 = Fma.MultiplyAdd(x0, w4, s0_4); s1_4 = Fma.MultiplyAdd(x1, w4, s1_4);
        }
        Vector256.Store(s0_0, acc + 0); Vector256.Store(s0_1, acc + 8); Vector256.Store(s0_2, acc + 16); Vector256.Store(s0_3, acc + 24); Vector256.Store(s0_4, acc + 32);
        Vector256.Store(s1_0, acc + 40); Vector256.Store(s1_1, acc + 48); Vector256.Store(s1_2, acc + 56); Vector256.Store(s1_3, acc + 64); Vector256.Store(s1_4, acc + 72);
    }

    public static float Sum(float* lanes) => Vector256.Sum(Vector256.Load(lanes));

    public static void SumTile(float* acc, float* sums)
    {
        for (int s = 0; s < 10; s++) sums[s] = Sum(acc + s * 8);
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: the shuffle network of a transposed reduction is specific to the register width.
/// The horizontal sums of 16 consecutive Vector512 partials in one tree: 8 + 4 + 2 + 1 vector adds and 30 in-register
/// shuffles, then one permute into order, instead of 16 separate reductions (the forward pass of the fused classifier ends
/// every row pair with one such reduction per class).
/// </summary>
internal static unsafe class HorizontalSums16Avx512
{
    /// <summary>Lane of the tree's last vector that holds the sum of input vector i, read back in input order.</summary>
    private static readonly Vector512<int> Order = ComputeOrder();

    /// <summary><c>dst[i] = Σ lanes of the vector at v + 16·i</c>, for i in 0..15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(float* v, float* dst) =>
        Avx512F.PermuteVar16x32(Tree(v), Order).Store(dst);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Tree(float* v)
    {
        // Level 1: vector i with i + 8, halves of 256 bits folded: blocks [i(0+2), i(1+3), i+8(0+2), i+8(1+3)].
        Vector512<float> u0 = Fold256(Vector512.Load(v + 0 * 16), Vector512.Load(v + 8 * 16));
        Vector512<float> u1 = Fold256(Vector512.Load(v + 1 * 16), Vector512.Load(v + 9 * 16));
        Vector512<float> u2 = Fold256(Vector512.Load(v + 2 * 16), Vector512.Load(v + 10 * 16));
        Vector512<float> u3 = Fold256(Vector512.Load(v + 3 * 16), Vector512.Load(v + 11 * 16));
        Vector512<float> u4 = Fold256(Vector512.Load(v + 4 * 16), Vector512.Load(v + 12 * 16));
        Vector512<float> u5 = Fold256(Vector512.Load(v + 5 * 16), Vector512.Load(v + 13 * 16));
        Vector512<float> u6 = Fold256(Vector512.Load(v + 6 * 16), Vector512.Load(v + 14 * 16));
        Vector512<float> u7 = Fold256(Vector512.Load(v + 7 * 16), Vector512.Load(v + 15 * 16));
        // Level 2: every 128-bit block is now 4 partials of one input vector.
        Vector512<float> w0 = Fold128(u0, u4), w1 = Fold128(u1, u5), w2 = Fold128(u2, u6), w3 = Fold128(u3, u7);
        // Level 3: 2 partials per vector within each block.
        Vector512<float> x0 = Avx512F.UnpackLow(w0, w2) + Avx512F.UnpackHigh(w0, w2);
        Vector512<float> x1 = Avx512F.UnpackLow(w1, w3) + Avx512F.UnpackHigh(w1, w3);
        // Level 4: one full sum per lane.
        return Avx512F.Shuffle(x0, x1, 0x44) + Avx512F.Shuffle(x0, x1, 0xEE);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Fold256(Vector512<float> a, Vector512<float> b) =>
        Avx512F.Shuffle4x128(a, b, 0x44) + Avx512F.Shuffle4x128(a, b, 0xEE);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Fold128(Vector512<float> a, Vector512<float> b) =>
        Avx512F.Shuffle4x128(a, b, 0x88) + Avx512F.Shuffle4x128(a, b, 0xDD);

    /// <summary>Runs the tree once on vectors whose lanes all equal their index to find where each sum lands.</summary>
    private static Vector512<int> ComputeOrder()
    {
        if (!Avx512F.IsSupported) return Vector512<int>.Zero;
        float* probe = stackalloc float[16 * 16];
        for (int i = 0; i < 16; i++)
            for (int l = 0; l < 16; l++) probe[i * 16 + l] = i;
        Vector512<float> sums = Tree(probe);
        int* order = stackalloc int[16];
        for (int lane = 0; lane < 16; lane++) order[(int)(sums.GetElement(lane) / 16)] = lane;
        return Vector512.Load(order);
    }
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Cross-entropy on short rows (C ≤ <see cref="MaxClasses"/>, the classifier's C = 10): eight rows per iteration,
/// transposed into registers so that each lane is a row and each vector a class. Column j of the eight rows is one
/// <c>vgatherdps</c> (stride = row stride); max, exp, the sums and the loss are then plain lane-wise vector code with
/// no horizontal reductions, and the gradient goes back to row-major through 8×8 in-register transposes and one store per row and 8 classes (masked for the last classes).
/// </summary>
/// <remarks>
/// Shared by the Avx2 and Avx512 paths: with rows of 10 the work is bound by the gathers and the transposes, not by
/// vector width (there is no 512-bit gather in .NET). Built so the softmax family can reuse the gather/transposition
/// blocks. In place (g == s) is safe: all eight rows are gathered before any of them is written.
/// </remarks>
internal static unsafe class CrossEntropyShortRows8Avx2
{
    /// <summary>Longest row this kernel takes.</summary>
    public const int MaxClasses = 16;

    /// <summary>
    /// Rows [0, rows) (a multiple of 8) of <paramref name="c"/> logits with row stride <paramref name="ld"/>: returns Σ row losses;
    /// when <paramref name="g"/> is not null writes <c>(p − onehot)·scale</c> there (row stride <paramref name="ldg"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Run(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale)
    {
        Debug.Assert(rows % 8 == 0 && c >= 1 && c <= MaxClasses && ld >= c);
        Vector256<float>* cols = stackalloc Vector256<float>[MaxClasses];
        Vector256<int> rowOffsets = Vector256<int>.Indices * ld;
        Vector256<float> vscale = Vector256.Create(scale);
        double total = 0;
        for (int r = 0; r < rows; r += 8)
        {
            float* sr = s + (nint)r * ld;
            Vector256<int> label = Vector256.Load(labels + r);
            Vector256<float> max = Vector256.Create(float.NegativeInfinity);
            for (int j = 0; j < c; j++)
            {
                Vector256<float> v = Avx2.GatherVector256(sr + j, rowOffsets, 4);
                cols[j] = v;
                max = Avx.Max(max, v);
            }
            Vector256<float> sy = Avx2.GatherVector256(sr, rowOffsets + label, 4);
            // others = Σ_{j≠y} e_j, kept apart from e_y so that p_y − 1 = −others/sum keeps its digits when p_y ≈ 1.
            Vector256<float> others = Vector256<float>.Zero;
            for (int j = 0; j < c; j++)
            {
                Vector256<float> e = ExpRr2P5.Exp(cols[j] - max);
                cols[j] = e;
                others += Avx.AndNot(Vector256.Equals(label, Vector256.Create(j)).AsSingle(), e);
            }
            Vector256<float> ey = ExpRr2P5.Exp(sy - max);
            // Σ_rows log(others + e_y) − (s_y − max): one log of the product of the eight sums (each in [1, C], no overflow),
            // all in double so that a loss term near 0 (p_y ≈ 1) keeps its digits.
            Vector256<double> sumLo = Avx.ConvertToVector256Double(others.GetLower()) + Avx.ConvertToVector256Double(ey.GetLower());
            Vector256<double> sumHi = Avx.ConvertToVector256Double(others.GetUpper()) + Avx.ConvertToVector256Double(ey.GetUpper());
            Vector256<double> p4 = sumLo * sumHi;
            Vector128<double> p2 = p4.GetLower() * p4.GetUpper();
            double prod = p2.ToScalar() * p2.GetElement(1);
            Vector256<double> shift4 = Avx.ConvertToVector256Double(sy.GetLower()) - Avx.ConvertToVector256Double(max.GetLower())
                + (Avx.ConvertToVector256Double(sy.GetUpper()) - Avx.ConvertToVector256Double(max.GetUpper()));
            double shift = Vector256.Sum(shift4);
            total += Math.Log(prod) - shift;
            if (g == null) continue;

            Vector256<float> inv = vscale / (others + ey);
            Vector256<float> gy = -(others * inv);
            for (int j = 0; j < c; j++)
                cols[j] = Avx.BlendVariable(cols[j] * inv, gy, Vector256.Equals(label, Vector256.Create(j)).AsSingle());
            float* gr = g + (nint)r * ldg;
            for (int jb = 0; jb < c; jb += 8)
                StoreTransposed(cols + jb, Math.Min(8, c - jb), gr + jb, ldg);
        }
        return total;
    }

    /// <summary>Writes columns [0, count) of eight rows from <paramref name="cols"/> (vector j = column j, lane i = row i).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StoreTransposed(Vector256<float>* cols, int count, float* dst, int ld)
    {
        if (count <= 2)
        {
            // One or two columns (C = 10 ends with two): pairs (row i: c0[i], c1[i]) stored as 64-bit, no transpose.
            Vector256<float> second = count == 2 ? cols[1] : Vector256<float>.Zero;
            Vector256<float> lo = Avx.UnpackLow(cols[0], second), hi = Avx.UnpackHigh(cols[0], second);
            // lo = rows 0,1 | 4,5 ; hi = rows 2,3 | 6,7 (each row a pair).
            if (count == 2)
            {
                Sse.StoreLow(dst, lo.GetLower()); Sse.StoreHigh(dst + ld, lo.GetLower());
                Sse.StoreLow(dst + 2 * ld, hi.GetLower()); Sse.StoreHigh(dst + 3 * ld, hi.GetLower());
                Sse.StoreLow(dst + 4 * ld, lo.GetUpper()); Sse.StoreHigh(dst + 5 * ld, lo.GetUpper());
                Sse.StoreLow(dst + 6 * ld, hi.GetUpper()); Sse.StoreHigh(dst + 7 * ld, hi.GetUpper());
            }
            else
            {
                Vector256<float> c = cols[0];
                for (int i = 0; i < 8; i++) dst[i * ld] = c.GetElement(i);
            }
            return;
        }
        // The 8×8 transpose written out inline on locals: passing the rows by ref makes the JIT keep them in memory.
        Vector256<float> z = Vector256<float>.Zero;
        Vector256<float> r0 = cols[0];
        Vector256<float> r1 = count > 1 ? cols[1] : z, r2 = count > 2 ? cols[2] : z, r3 = count > 3 ? cols[3] : z;
        Vector256<float> r4 = count > 4 ? cols[4] : z, r5 = count > 5 ? cols[5] : z, r6 = count > 6 ? cols[6] : z, r7 = count > 7 ? cols[7] : z;
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Vector256<float> o0 = Avx.Permute2x128(u0, u4, 0x20), o1 = Avx.Permute2x128(u1, u5, 0x20);
        Vector256<float> o2 = Avx.Permute2x128(u2, u6, 0x20), o3 = Avx.Permute2x128(u3, u7, 0x20);
        Vector256<float> o4 = Avx.Permute2x128(u0, u4, 0x31), o5 = Avx.Permute2x128(u1, u5, 0x31);
        Vector256<float> o6 = Avx.Permute2x128(u2, u6, 0x31), o7 = Avx.Permute2x128(u3, u7, 0x31);
        if (count == 8)
        {
            o0.Store(dst); o1.Store(dst + ld); o2.Store(dst + 2 * ld); o3.Store(dst + 3 * ld);
            o4.Store(dst + 4 * ld); o5.Store(dst + 5 * ld); o6.Store(dst + 6 * ld); o7.Store(dst + 7 * ld);
        }
        else
        {
            Vector256<float> m = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).AsSingle();
            Avx.MaskStore(dst, m, o0); Avx.MaskStore(dst + ld, m, o1); Avx.MaskStore(dst + 2 * ld, m, o2); Avx.MaskStore(dst + 3 * ld, m, o3);
            Avx.MaskStore(dst + 4 * ld, m, o4); Avx.MaskStore(dst + 5 * ld, m, o5); Avx.MaskStore(dst + 6 * ld, m, o6); Avx.MaskStore(dst + 7 * ld, m, o7);
        }
    }
}

using CsCheck;

namespace SimdSoftmax.Tests.Properties;

public sealed record GemmCase(bool TransA, bool TransB, int M, int N, int K, float Alpha, float Beta, int PadA, int PadB, int PadC,
    float[] A, float[] B, float[] C, int Offset, int Threads)
{
    public int RowsA => TransA ? K : M;
    public int ColsA => TransA ? M : K;
    public int RowsB => TransB ? N : K;
    public int ColsB => TransB ? K : N;
    public int Lda => Math.Max(1, ColsA + PadA);
    public int Ldb => Math.Max(1, ColsB + PadB);
    public int Ldc => Math.Max(1, N + PadC);

    public override string ToString() =>
        $"transA={TransA} transB={TransB} m={M} n={N} k={K} alpha={Alpha:R} beta={Beta:R} lda={Lda} ldb={Ldb} ldc={Ldc} offset={Offset} threads={Threads} A={Gens.Show(A)} B={Gens.Show(B)} C={Gens.Show(C)}";
}

/// <summary>
/// Gemm.Multiply (both overloads) on every path against a double-precision reference with the componentwise bound
/// |ĉ − c| ≤ 2(k + 4)·u·(|α|·Σ|a||b| + |β||c|) + (k + 4)·η·(1 + max|a| + max|b|)·max(1, |α|); NaN/∞ where IEEE
/// arithmetic on the formula gives them; canaries around C and in every gap between n and ldc; NaN in the input gaps
/// (a read there would show); bitwise the same across a repeat, a thread count and an input offset.
/// </summary>
public class GemmProperties
{
    private const string Type = "SimdSoftmax.Tests.Properties.GemmProperties";

    public static Gen<GemmCase> Cases(bool dense, int large = 300) =>
        from ta in dense ? Gen.Const(false) : Gen.Bool
        from tb in dense ? Gen.Const(false) : Gen.Bool
        from m in Gens.Dim(large)
        from n in Gens.Dim(large)
        from k in Gens.Dim(large)
        from alpha in dense ? Gen.Const(1f) : Gens.Scale
        from beta in dense ? Gen.Const(0f) : Gens.Scale
        from pa in dense ? Gen.Const(0) : Gens.Pad
        from pb in dense ? Gen.Const(0) : Gens.Pad
        from pc in dense ? Gen.Const(0) : Gens.Pad
        from mix in Gens.MixGen
        from a in Gens.Value(mix).Array[m * k]
        from b in Gens.Value(mix).Array[k * n]
        from c in Gens.Value(mix).Array[m * n]
        from offset in Gens.Offset
        from threads in Gens.Threads
        select new GemmCase(ta, tb, m, n, k, alpha, beta, pa, pb, pc, a, b, c, offset, threads);

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Multiply(KernelPath path)
    {
        Paths.Require(path);
        PropertyRunner.Run($"{Type}.{nameof(Multiply)}", path.ToString(), Cases(dense: false), c => Check(c, path, dense: false));
    }

    [SkippableTheory]
    [MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void MultiplyDense(KernelPath path)
    {
        Paths.Require(path);
        PropertyRunner.Run($"{Type}.{nameof(MultiplyDense)}", path.ToString(), Cases(dense: true), c => Check(c, path, dense: true));
    }

    /// <summary>
    /// Measured statement (docs/guarantees.md): on the blocked algorithm (n &gt; 16) Avx2 and Avx512 give bitwise the
    /// same C, whatever the tile AVX-512 picks; the skinny n ≤ 16 kernels do not.
    /// </summary>
    [SkippableFact]
    public void BlockedAvx2AndAvx512AreBitwiseEqual()
    {
        Paths.Require(KernelPath.Avx2);
        Paths.Require(KernelPath.Avx512);
        var cases = Cases(dense: false).Where(c => c.N > 16);
        PropertyRunner.Run($"{Type}.{nameof(BlockedAvx2AndAvx512AreBitwiseEqual)}", "Avx2=Avx512", cases, c =>
        {
            float[] c2 = Layout(c, out float[] a, out float[] b);
            float[] c5 = (float[])c2.Clone();
            Call(c, KernelPath.Avx2, false, a, b, c2, c.Threads);
            Call(c, KernelPath.Avx512, false, a, b, c5, c.Threads);
            Canary.BitwiseEqual(c2, c5, "C Avx512 vs Avx2");
        });
    }

    /// <summary>A, B and C laid out with their strides: NaN in the input gaps, canaries in C's gaps and around C.</summary>
    public static float[] Layout(GemmCase c, out float[] a, out float[] b)
    {
        a = Strided(c.A, c.RowsA, c.ColsA, c.Lda, float.NaN);
        b = Strided(c.B, c.RowsB, c.ColsB, c.Ldb, float.NaN);
        // beta = 0: C is never read, so it starts as NaN (a read would propagate).
        float[] inner = c.Beta == 0f ? Enumerable.Repeat(float.NaN, c.C.Length).ToArray() : c.C;
        float[] cs = Strided(inner, c.M, c.N, c.Ldc, Canary.Value);
        float[] buffer = Canary.Buffer(cs.Length);
        cs.CopyTo(buffer, Canary.Guard);
        return buffer;
    }

    /// <summary>Rows of <paramref name="cols"/> values at stride ld, BLAS-minimum length (rows − 1)·ld + cols.</summary>
    private static float[] Strided(float[] dense, int rows, int cols, int ld, float gap)
    {
        int length = rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
        var s = new float[length];
        s.AsSpan().Fill(gap);
        for (int r = 0; r < rows && cols > 0; r++) dense.AsSpan(r * cols, cols).CopyTo(s.AsSpan(r * ld));
        return s;
    }

    private static void Call(GemmCase c, KernelPath path, bool dense, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float[] buffer, int threads)
    {
        Span<float> cs = buffer.AsSpan(Canary.Guard, buffer.Length - 2 * Canary.Guard);
        if (dense) Gemm.Multiply(a, b, cs, c.M, c.N, c.K, path, threads);
        else Gemm.Multiply(a, c.Lda, c.TransA ? Transpose.Yes : Transpose.No, b, c.Ldb, c.TransB ? Transpose.Yes : Transpose.No, cs, c.Ldc, c.M, c.N, c.K, c.Alpha, c.Beta, path, threads);
    }

    public static void Check(GemmCase c, KernelPath path, bool dense)
    {
        float[] buffer = Layout(c, out float[] a, out float[] b);
        float[] initial = (float[])buffer.Clone();
        Call(c, path, dense, a, b, buffer, 1);
        int length = buffer.Length - 2 * Canary.Guard;
        Canary.CheckGuards(buffer, length, "C");

        double maxA = c.A.Where(float.IsFinite).Select(v => (double)Math.Abs(v)).DefaultIfEmpty(0).Max();
        double maxB = c.B.Where(float.IsFinite).Select(v => (double)Math.Abs(v)).DefaultIfEmpty(0).Max();
        bool product = c.K > 0 && c.Alpha != 0f;
        for (int i = 0; i < c.M; i++)
        {
            for (int j = c.N; c.N > 0 && j < c.Ldc && i < c.M - 1; j++)
                if (!Canary.Is(buffer[Canary.Guard + i * c.Ldc + j])) throw new InvalidOperationException($"C gap ({i}, {j}) between n and ldc was written.");
            for (int j = 0; j < c.N; j++)
            {
                double sum = 0, magnitude = 0;
                if (product)
                    for (int p = 0; p < c.K; p++)
                    {
                        double x = c.TransA ? c.A[p * c.M + i] : c.A[i * c.K + p];
                        double y = c.TransB ? c.B[j * c.K + p] : c.B[p * c.N + j];
                        sum += x * y;
                        double t = Math.Abs(x) * Math.Abs(y);
                        if (double.IsFinite(t)) magnitude += t;
                    }
                double cij = c.C[i * c.N + j];
                double expected = product ? (double)c.Alpha * sum : 0;
                double bound = product ? Math.Abs(c.Alpha) * magnitude : 0;
                if (c.Beta != 0f)
                {
                    expected += c.Beta * cij;
                    if (double.IsFinite(cij)) bound += Math.Abs(c.Beta * cij);
                }
                // Partial sums of finite terms may overflow float in an order-dependent way: nothing is promised there.
                if (Math.Max(1, Math.Abs(c.Alpha)) * (magnitude + (double.IsFinite(cij) ? Math.Abs(cij) : 0)) > float.MaxValue / 8) continue;
                double tolerance = 2 * (c.K + 4) * Expect.U * bound + (c.K + 4) * Expect.Eta * (1 + maxA + maxB) * Math.Max(1, Math.Abs(c.Alpha));
                Expect.Near($"C({i}, {j}) on {path}", i * c.N + j, buffer[Canary.Guard + i * c.Ldc + j], expected, tolerance);
            }
        }

        // Determinism: a repeat, and the same call on inputs shifted by 1..15 floats with another thread count.
        float[] again = (float[])initial.Clone();
        Call(c, path, dense, a, b, again, 1);
        Canary.BitwiseEqual(buffer, again, "C on a repeat");
        float[] shiftedA = Canary.Shifted(a, c.Offset), shiftedB = Canary.Shifted(b, c.Offset);
        float[] other = (float[])initial.Clone();
        Call(c, path, dense, shiftedA.AsSpan(c.Offset, a.Length), shiftedB.AsSpan(c.Offset, b.Length), other, c.Threads);
        Canary.BitwiseEqual(buffer, other, $"C with inputs offset by {c.Offset} and threads={c.Threads}");
    }
}

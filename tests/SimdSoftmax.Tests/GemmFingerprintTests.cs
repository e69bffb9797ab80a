using System.Globalization;
using System.Text;

namespace SimdSoftmax.Tests;

/// <summary>
/// Bitwise before/after check of <see cref="Gemm.Multiply(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, KernelPath, int)"/>:
/// an FNV-1a hash of the output bits of every case below, on every path, compared with hashes recorded by running this
/// same code before the GEMM was restructured (<see cref="GemmFingerprints"/>). A refactor that changes one bit of one
/// element on any path (a different summation order, a different tile or block edge) fails here.
/// The cases cover the blocked path with each AVX-512 tile choice (6×64, 12×32, 8×48) and the AVX2 6×16, their MC, KC and
/// NC block edges, both skinny kernels (dot: A·op(B); outer: Aᵀ·op(B), resident and streamed depth chunks), all four
/// transpose combinations, alpha/beta special cases, and thread counts 1 and 2 (which must agree with each other).
/// To re-record after an intended numerical change: run with GEMM_FINGERPRINT_RECORD=&lt;file&gt;; the test writes the
/// table there and fails, so a recording run can never pass.
/// </summary>
public class GemmFingerprintTests
{
    internal sealed record Case(string Name, bool TransA, bool TransB, int M, int N, int K, float Alpha, float Beta, int Pad);

    internal static IEnumerable<Case> Cases()
    {
        // Blocked, one shape per AVX-512 tile choice (and the AVX2 6×16 on the same shapes), every transpose.
        var blockedShapes = new (int M, int N, int K)[]
        {
            (64, 64, 64), (65, 63, 37), (59, 129, 40), (36, 32, 41), (37, 31, 38), (35, 97, 39), (48, 48, 20), (97, 47, 33),
            (8, 49, 70), (200, 150, 130),
        };
        int t = 0;
        foreach (var (m, n, k) in blockedShapes)
            for (int tr = 0; tr < 4; tr++, t++)
                yield return new Case($"blocked {m}x{n}x{k}", tr >= 2, tr % 2 == 1, m, n, k, t % 3 == 0 ? 1f : -0.5f,
                    (t % 3) switch { 0 => 0f, 1 => 1f, _ => 0.25f }, t % 3);
        // Cache-block edges: KC 512 (k 511/512/513/1025), MC 96/128/192 (m ±1), NC 3072 (n 3100).
        foreach (int k in new[] { 511, 512, 513, 1025 })
            yield return new Case($"kc-edge k={k}", k % 2 == 0, false, 41, 50, k, 1f, 0.25f, 1);
        foreach (int m in new[] { 95, 96, 97, 127, 128, 129, 191, 192, 193, 257 })
            yield return new Case($"mc-edge m={m}", m % 2 == 1, m % 3 == 0, m, 70, 30, -0.5f, 1f, 2);
        yield return new Case("nc-edge", false, true, 13, 3100, 9, 1f, 0f, 0);
        yield return new Case("nc-edge tA", true, false, 7, 3100, 17, 0.75f, 0.5f, 1);
        // Large enough to split across two threads by rows and by columns.
        yield return new Case("threads rows", false, false, 301, 40, 130, 0.75f, 0.5f, 0);
        yield return new Case("threads cols", true, true, 97, 513, 77, 1f, 0f, 3);
        // Skinny dot (A·op(B), n ≤ 16): every n, DotDepthChunk (512) edges, k tails, panels of 8 rows.
        for (int n = 1; n <= 16; n++)
            yield return new Case($"dot n={n}", false, n % 2 == 0, 37 + n, n, 100 + 7 * n, n % 3 == 0 ? -0.5f : 1f, (n % 3) * 0.5f, n % 2);
        foreach (int k in new[] { 15, 16, 17, 511, 512, 513, 1100, 3073 })
            yield return new Case($"dot k={k}", false, k % 2 == 1, 29, 10, k, 1f, 0f, 0);
        // Skinny outer (Aᵀ·op(B)): every n, strip edges (m around 16/32), resident and streamed (A over 1 MiB) chunks.
        for (int n = 1; n <= 16; n++)
            yield return new Case($"outer n={n}", true, n % 2 == 1, 40 + 3 * n, n, 50 + n, n % 3 == 0 ? -0.5f : 1f, (n % 3) * 0.5f, n % 2);
        foreach (int m in new[] { 15, 16, 17, 31, 32, 33, 63, 65 })
            yield return new Case($"outer m={m}", true, false, m, 10, 45, 1f, 0.25f, 1);
        yield return new Case("outer streamed", true, false, 600, 10, 523, 1f, 0.25f, 3);
        yield return new Case("outer streamed tB", true, true, 700, 7, 450, -0.5f, 0f, 0);
        // alpha = 0 and k = 0: C = beta·C without reading A or B.
        yield return new Case("alpha 0", false, false, 20, 30, 10, 0f, 0.5f, 0);
        yield return new Case("k 0", true, true, 20, 30, 0, 1f, 0.25f, 1);
    }

    /// <summary>Runs one case and returns the FNV-1a 64-bit hash of every element of C (padding included) as raw bits.</summary>
    internal static ulong Run(Case c, KernelPath path, int threads)
    {
        int lda = Math.Max(1, (c.TransA ? c.M : c.K) + c.Pad), ldb = Math.Max(1, (c.TransB ? c.K : c.N) + c.Pad);
        int ldc = Math.Max(1, c.N + c.Pad);
        int seed = Hash(c.Name) & 0x7FFFFFFF;
        float[] a = Data.Uniform((c.TransA ? c.K : c.M) * lda, seed);
        float[] b = Data.Uniform((c.TransB ? c.N : c.K) * ldb, seed + 1);
        float[] cc = Data.Uniform(c.M * ldc, seed + 2);
        Gemm.Multiply(a, lda, c.TransA ? Transpose.Yes : Transpose.No, b, ldb, c.TransB ? Transpose.Yes : Transpose.No, cc, ldc, c.M, c.N, c.K, c.Alpha, c.Beta, path, threads);
        ulong h = 14695981039346656037UL;
        foreach (float v in cc)
        {
            uint bits = BitConverter.SingleToUInt32Bits(v);
            for (int i = 0; i < 4; i++, bits >>= 8)
                h = (h ^ (bits & 0xFF)) * 1099511628211UL;
        }
        return h;
    }

    private static int Hash(string s)
    {
        int h = 17;
        foreach (char ch in s) h = unchecked(h * 31 + ch);
        return h;
    }

    private static string Key(Case c) => string.Create(CultureInfo.InvariantCulture,
        $"{c.Name} tA={c.TransA} tB={c.TransB} {c.M}x{c.N}x{c.K} a={c.Alpha} b={c.Beta} pad={c.Pad}");

    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Outputs_are_bitwise_those_recorded_before_the_restructuring(KernelPath path)
    {
        Paths.Require(path);
        string? record = Environment.GetEnvironmentVariable("GEMM_FINGERPRINT_RECORD");
        var table = new StringBuilder();
        var failures = new List<string>();
        IReadOnlyDictionary<string, ulong> expected = GemmFingerprints.For(path);
        foreach (Case c in Cases())
        {
            string key = Key(c);
            ulong one = Run(c, path, 1);
            if (path != KernelPath.Scalar)
            {
                ulong two = Run(c, path, 2);
                if (two != one) failures.Add($"{key}: threads=2 differs from threads=1");
            }
            table.AppendLine(CultureInfo.InvariantCulture, $"            [\"{key}\"] = 0x{one:X16},");
            if (record == null)
            {
                if (!expected.TryGetValue(key, out ulong want)) failures.Add($"{key}: no recorded hash");
                else if (want != one) failures.Add($"{key}: hash 0x{one:X16}, recorded 0x{want:X16}");
            }
        }
        if (record != null)
        {
            File.AppendAllText(record, $"// {path}\n{table}");
            Assert.Fail($"Recording mode: {path} fingerprints appended to {record}.");
        }
        Assert.True(failures.Count == 0, $"{path}: {failures.Count} case(s) changed:\n" + string.Join("\n", failures));
        Assert.Equal(Cases().Count(), expected.Count);
    }
}

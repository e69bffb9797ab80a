using Xunit.Abstractions;

namespace SimdSoftmax.Tests;

/// <summary>
/// Results are bitwise reproducible: the same call twice, and the same data at every alignment (inputs and outputs
/// offset by 0..15 floats) give the same bits on every path. Between paths the results differ by rounding only:
/// <see cref="Paths_differ_from_scalar_by_rounding_only"/> measures and bounds that, and says which paths agree bit for bit.
/// </summary>
public class DeterminismTests(ITestOutputHelper output)
{
    [SkippableTheory, MemberData(nameof(DeterminismWorkload.FamiliesByPath), MemberType = typeof(DeterminismWorkload))]
    public void Same_call_twice_gives_the_same_bits(string family, KernelPath path)
    {
        Paths.Require(path);
        var (ready, reason) = DeterminismWorkload.Reference(family, path);
        Skip.If(ready.Count == 0, reason);
        foreach (var (w, first) in ready)
        {
            int at = DeterminismWorkload.FirstBitDifference(first, w.Run(path));
            Assert.True(at < 0, $"{w.Name} on {path}: second run differs at element {at}");
        }
    }

    [SkippableTheory, MemberData(nameof(DeterminismWorkload.FamiliesByPath), MemberType = typeof(DeterminismWorkload))]
    public void Every_alignment_gives_the_same_bits(string family, KernelPath path)
    {
        Paths.Require(path);
        var (ready, reason) = DeterminismWorkload.Reference(family, path);
        Skip.If(ready.Count == 0, reason);
        foreach (var (w, aligned) in ready)
            for (int offset = 1; offset <= 15; offset++)
            {
                float[] got = w.Run(path, offset);
                int at = DeterminismWorkload.FirstBitDifference(aligned, got);
                if (at >= 0)
                    Assert.Fail($"{w.Name} on {path}: spans offset by {offset} floats give element {at} = {got[at]:R}, offset 0 gave {aligned[at]:R}");
            }
    }

    /// <summary>GEMM and the classifier split work over threads: 0 (automatic), 2, 3 and 8 threads give the bits of 1.</summary>
    [SkippableTheory, MemberData(nameof(DeterminismWorkload.ThreadedFamiliesByPath), MemberType = typeof(DeterminismWorkload))]
    public void Every_thread_count_gives_the_same_bits(string family, KernelPath path)
    {
        Paths.Require(path);
        var (ready, reason) = DeterminismWorkload.Reference(family, path);
        Skip.If(ready.Count == 0, reason);
        var threaded = ready.Where(r => r.Workload.Threaded).ToList();
        Assert.NotEmpty(threaded);
        foreach (var (w, single) in threaded)
            foreach (int threads in new[] { 0, 2, 3, 8 })
            {
                float[] got = w.Run(path, 0, threads);
                int at = DeterminismWorkload.FirstBitDifference(single, got);
                if (at >= 0)
                    Assert.Fail($"{w.Name} on {path}: threads={threads} gives element {at} = {got[at]:R}, threads=1 gave {single[at]:R}");
            }
    }

    /// <summary>
    /// Every SIMD path against the scalar reference: the largest difference relative to the largest magnitude of the result
    /// (a norm-wise bound, as rounding in a different order allows), and whether the SIMD paths agree with each other bitwise.
    /// </summary>
    [SkippableTheory, MemberData(nameof(Families))]
    public void Paths_differ_from_scalar_by_rounding_only(string family)
    {
        var (scalar, _) = DeterminismWorkload.Reference(family, KernelPath.Scalar);
        var results = new Dictionary<KernelPath, Dictionary<string, float[]>>();
        var reasons = new List<string>();
        foreach (KernelPath path in KernelPaths.Available.Where(p => p != KernelPath.Scalar))
        {
            var (ready, reason) = DeterminismWorkload.Reference(family, path);
            if (reason is not null) reasons.Add(reason);
            results[path] = ready.ToDictionary(r => r.Workload.Name, r => r.Result);
        }
        Skip.If(results.Values.All(r => r.Count == 0), reasons.Count > 0 ? string.Join(" ", reasons) : "no SIMD path on this CPU / configuration");

        double bound = family == "classifier" ? 1e-4 : 1e-5;
        foreach (var (w, reference) in scalar)
        {
            double scale = reference.Where(float.IsFinite).Select(v => Math.Abs((double)v)).DefaultIfEmpty(0).Max();
            var line = new List<string> { w.Name };
            foreach (var (path, byName) in results)
            {
                if (!byName.TryGetValue(w.Name, out float[]? got)) { line.Add($"{path}: no kernel yet"); continue; }
                double worst = 0;
                for (int i = 0; i < reference.Length; i++)
                    if (float.IsFinite(reference[i])) worst = Math.Max(worst, Math.Abs((double)got[i] - reference[i]));
                double relative = worst / Math.Max(scale, 1e-30);
                bool bitwise = DeterminismWorkload.FirstBitDifference(reference, got) < 0;
                line.Add($"{path}: {(bitwise ? "bitwise equal to scalar" : $"max |diff|/max|ref| = {relative:E2}")}");
                Assert.True(relative <= bound, $"{w.Name}: {path} differs from scalar by {relative:E2} of the largest magnitude (bound {bound:E0})");
            }
            if (results.TryGetValue(KernelPath.Avx2, out var r2) && results.TryGetValue(KernelPath.Avx512, out var r5)
                && r2.TryGetValue(w.Name, out float[]? g2) && r5.TryGetValue(w.Name, out float[]? g5))
                line.Add(DeterminismWorkload.FirstBitDifference(g2, g5) < 0 ? "Avx2 ≡ Avx512 bitwise" : "Avx2 ≠ Avx512");
            output.WriteLine(string.Join("; ", line));
        }
    }

    public static TheoryData<string> Families() => new(DeterminismWorkload.Families);
}

using System.Diagnostics;
using Xunit.Abstractions;

namespace SimdSoftmax.Tests;

/// <summary>
/// Eight threads call the kernels at once on shared read-only inputs with private outputs; every result must be bit for bit
/// the single-threaded one. Catches shared mutable state (a static packing buffer, a cached workspace) that a kernel
/// family might keep. Bounded in time: ≥ 50 ms per family and path, ≥ 150 ms for the mixed run (plus one pass over half the workloads).
/// </summary>
public class ConcurrencyTests(ITestOutputHelper output)
{
    private const int Threads = 8;

    [SkippableTheory, MemberData(nameof(DeterminismWorkload.FamiliesByPath), MemberType = typeof(DeterminismWorkload))]
    public void Eight_threads_give_the_single_threaded_bits(string family, KernelPath path)
    {
        Paths.Require(path);
        var (ready, reason) = DeterminismWorkload.Reference(family, path);
        Skip.If(ready.Count == 0, reason);
        Hammer(ready, path, TimeSpan.FromMilliseconds(50));
    }

    /// <summary>All families interleaved, each thread in its own order: state shared between families (e.g. the classifier and GEMM) shows up here.</summary>
    [SkippableTheory, MemberData(nameof(Paths.All), MemberType = typeof(Paths))]
    public void Eight_threads_mixing_every_family_give_the_single_threaded_bits(KernelPath path)
    {
        Paths.Require(path);
        var ready = new List<(DeterminismWorkload, float[])>();
        var reasons = new List<string>();
        foreach (string family in DeterminismWorkload.Families)
        {
            var (r, reason) = DeterminismWorkload.Reference(family, path);
            ready.AddRange(r);
            if (reason is not null) reasons.Add(reason);
        }
        Skip.If(ready.Count == 0, string.Join(" ", reasons));
        foreach (string r in reasons) output.WriteLine($"not exercised yet: {r}");
        Hammer(ready, path, TimeSpan.FromMilliseconds(150));
    }

    private void Hammer(List<(DeterminismWorkload Workload, float[] Result)> ready, KernelPath path, TimeSpan duration)
    {
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        long calls = 0;
        using var start = new Barrier(Threads);
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int id = t;
            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                var clock = Stopwatch.StartNew();
                // Each thread walks at least half the workloads from its own starting point: together they cover every
                // workload, about four threads run each one at the same moment, and different kernels overlap in time.
                int minimum = (ready.Count + 1) / 2;
                for (int i = id * ready.Count / Threads, done = 0; done < minimum || clock.Elapsed < duration; i++, done++)
                {
                    var (w, expected) = ready[i % ready.Count];
                    // Odd threads ask GEMM and the classifier for inner parallelism too: nested splits must not share state either.
                    float[] got = w.Run(path, 0, threads: id % 2 == 1 && w.Threaded ? 2 : 1);
                    Interlocked.Increment(ref calls);
                    int at = DeterminismWorkload.FirstBitDifference(expected, got);
                    if (at >= 0)
                    {
                        failures.Enqueue($"{w.Name} on {path}, thread {id}: element {at} = {got[at]:R}, single-threaded gave {expected[at]:R}");
                        return;
                    }
                }
            }) { IsBackground = true };
            threads[t].Start();
        }
        foreach (Thread t in threads) t.Join();
        output.WriteLine($"{calls} calls of {ready.Count} workloads on {Threads} threads");
        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures));
    }
}

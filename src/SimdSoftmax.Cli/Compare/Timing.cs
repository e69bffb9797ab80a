using System.Diagnostics;

namespace SimdSoftmax.Cli.Compare;

/// <summary>A timing: median seconds per call and the spread of the samples around it.</summary>
internal readonly record struct Timing(double MedianSeconds, double SpreadPercent, int Samples);

/// <summary>
/// Calibrated timing: a warm-up call (JIT, page faults), then enough calls per sample that one sample lasts at least
/// a millisecond, then samples until the time budget is spent (at least 5). Reports the median and the
/// interquartile range relative to it, so a noisy run shows as a wide spread instead of a wrong number.
/// </summary>
internal static class Timer
{
    public static Timing Measure(Action run, double budgetSeconds)
    {
        long w0 = Stopwatch.GetTimestamp();
        run();
        double once = Math.Max(Stopwatch.GetElapsedTime(w0).TotalSeconds, 1e-8);
        // Second warm-up: tiered JIT may have promoted the code after the first call.
        w0 = Stopwatch.GetTimestamp();
        run();
        once = Math.Min(once, Math.Max(Stopwatch.GetElapsedTime(w0).TotalSeconds, 1e-8));

        int inner = (int)Math.Clamp(Math.Ceiling(1e-3 / once), 1, 1_000_000);
        var samples = new List<double>();
        var total = Stopwatch.StartNew();
        while (samples.Count < 5 || (total.Elapsed.TotalSeconds < budgetSeconds && samples.Count < 101))
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < inner; i++) run();
            samples.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds / inner);
            if (samples.Count >= 5 && total.Elapsed.TotalSeconds > 4 * budgetSeconds) break; // a slow path: stop early
        }
        samples.Sort();
        double median = Quantile(samples, 0.5);
        double iqr = Quantile(samples, 0.75) - Quantile(samples, 0.25);
        return new Timing(median, 100 * iqr / median, samples.Count);
    }

    private static double Quantile(List<double> sorted, double q)
    {
        double pos = q * (sorted.Count - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}

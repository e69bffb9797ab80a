namespace SimdSoftmax.Tests;

/// <summary>Deterministic test data (fixed seeds).</summary>
public static class Data
{
    public static float[] Uniform(int count, int seed, float lo = -1f, float hi = 1f)
    {
        var rng = new Random(seed);
        var a = new float[count];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(lo + rng.NextDouble() * (hi - lo));
        return a;
    }

    public static float[] Gaussian(int count, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var a = new float[count];
        for (int i = 0; i < a.Length; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            a[i] = (float)(scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return a;
    }

    public static int[] Labels(int n, int classes, int seed)
    {
        var rng = new Random(seed);
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = rng.Next(classes);
        return y;
    }

    public static float[] Filled(int count, float value)
    {
        var a = new float[count];
        Array.Fill(a, value);
        return a;
    }
}

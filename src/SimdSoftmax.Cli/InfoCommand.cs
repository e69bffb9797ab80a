using System.Runtime.InteropServices;

namespace SimdSoftmax.Cli;

internal static class InfoCommand
{
    public static int Run(Options options)
    {
        options.RejectUnknown();
        Console.WriteLine($"CPU:        {CpuModel()}");
        Console.WriteLine($"Runtime:    .NET {Environment.Version} {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} logical cores");
        Console.WriteLine($"ISA:        {KernelPaths.IsaSummary()}");
        Console.WriteLine($"Paths:      {string.Join(", ", KernelPaths.Available)} (best: {KernelPaths.Best})");
        foreach (KernelPath p in KernelPaths.Available)
            Console.WriteLine($"  {p,-8} {KernelPaths.VectorWidth(p),2} floats per vector");
        string? knobs = string.Join(" ", new[] { "DOTNET_EnableAVX512", "DOTNET_EnableHWIntrinsic", "DOTNET_EnableAVX2" }
            .Select(v => Environment.GetEnvironmentVariable(v) is string s ? $"{v}={s}" : null).Where(s => s is not null));
        if (knobs.Length > 0) Console.WriteLine($"Env:        {knobs}");
        return 0;
    }

    public static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                        return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}

using System.CommandLine;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax.Cli;

internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "CPU ISA support, the kernel paths this process can run, vector widths");
        command.SetAction(_ => Run());
        return command;
    }

    public static int Run()
    {
        Console.WriteLine($"CPU:        {CpuModel()}");
        Console.WriteLine($"Runtime:    .NET {Environment.Version} {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} logical cores");
        Console.WriteLine($"ISA:        {KernelPaths.IsaSummary()}");
        Console.WriteLine($"Paths:      {string.Join(", ", KernelPaths.Available)} (best: {KernelPaths.Best})");
        foreach (KernelPath p in KernelPaths.Available)
            Console.WriteLine($"  {p,-8} {KernelPaths.VectorWidth(p),2} floats per vector");
        string? knobs = string.Join(" ", new[] { "DOTNET_EnableAVX512", "DOTNET_EnableHWIntrinsic", "DOTNET_EnableAVX2" }
            .Select(v => Environment.GetEnvironmentVariable(v) is string s ? $"{v}={s}" : null).Where(s => s is not null));
        if (knobs.Length > 0) Console.WriteLine($"Env:        {knobs}");
        if (AheadOfTimeIsaNote() is string note) Console.WriteLine($"Note:       {note}");
        return 0;
    }

    /// <summary>
    /// In a NativeAOT build the instruction set is fixed at publish time (x86-64-v2 by default): when the CPU declares
    /// AVX2 or AVX-512F (CPUID) but this build cannot use them, say how to publish for them.
    /// </summary>
    public static string? AheadOfTimeIsaNote()
    {
        if (RuntimeFeature.IsDynamicCodeCompiled || !X86Base.IsSupported) return null;
        (int _, int ebx, int _, int _) = X86Base.CpuId(7, 0);
        bool cpuAvx2 = (ebx & (1 << 5)) != 0, cpuAvx512 = (ebx & (1 << 16)) != 0;
        if (cpuAvx512 && !KernelPaths.IsSupported(KernelPath.Avx512))
            return $"this ahead-of-time build cannot use {(cpuAvx2 && !KernelPaths.IsSupported(KernelPath.Avx2) ? "the AVX2 or AVX-512 instructions" : "the AVX-512 instructions")} this CPU declares; publish with -p:IlcInstructionSet=x86-64-v4 (or native) to run the Avx512 path.";
        if (cpuAvx2 && !KernelPaths.IsSupported(KernelPath.Avx2))
            return "this ahead-of-time build cannot use the AVX2 instructions this CPU declares; publish with -p:IlcInstructionSet=x86-64-v3 (or native) to run the Avx2 path.";
        return null;
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

namespace SimdSoftmax.Cli;

/// <summary>Dispatches <c>simdsoftmax COMMAND [options]</c>.</summary>
internal static class CommandLine
{
    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage(Console.Out);
            return args.Length == 0 ? 1 : 0;
        }
        try
        {
            var options = Options.Parse(args.AsSpan(1));
            return args[0] switch
            {
                "info" => InfoCommand.Run(options),
                "compare" => Compare.CompareCommand.Run(options),
                "train" => TrainCommand.Run(options),
                "sweep" => SweepCommand.Run(options),
                "gradcheck" => GradcheckCommand.Run(options),
                _ => Unknown(args[0]),
            };
        }
        catch (OptionException e)
        {
            Console.Error.WriteLine($"simdsoftmax {args[0]}: {e.Message}");
            return 2;
        }
    }

    private static int Unknown(string command)
    {
        Console.Error.WriteLine($"simdsoftmax: unknown command '{command}'.");
        PrintUsage(Console.Error);
        return 2;
    }

    private static void PrintUsage(TextWriter w)
    {
        w.WriteLine("usage: simdsoftmax <command> [options]");
        w.WriteLine();
        w.WriteLine("  info       CPU ISA support, available kernel paths, vector widths");
        w.WriteLine("  compare    time every kernel on every path against the scalar reference and verify the results");
        w.WriteLine("  train      train a linear classifier (softmax or SVM) on MNIST, Fashion-MNIST or CIFAR-10 (SGD), print accuracy, time per step and speedup over scalar");
        w.WriteLine("             [--path P] [--lr F] [--reg F] [--batch N] [--iters N | --epochs F] [--decay F] [--seed N] [--no-shuffle]");
        w.WriteLine("             [--threads N] [--data DIR] [--center] [--weights-image FILE.png] [--speedup-iters N]");
        w.WriteLine("             [--dataset mnist|fashion-mnist|cifar10] [--loss softmax|svm]");
        w.WriteLine("  sweep      grid search of learning rates × regularization strengths on a validation split");
        w.WriteLine("             [--lrs F,F,..] [--regs F,F,..] [--val N] + the train options");
        w.WriteLine("  gradcheck  numerical gradient check of the classifier loss on random data (analytic vs numeric)");
        w.WriteLine("             [--path P] [--n N] [--d N] [--c N] [--checks N] [--reg F] [--seed N] [--loss softmax|svm]");
    }
}

/// <summary>A bad command-line option: reported as one line, exit code 2, no stack trace.</summary>
internal sealed class OptionException(string message) : Exception(message);

/// <summary><c>--name value</c> and <c>--flag</c> options.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public static Options Parse(ReadOnlySpan<string> args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2) throw new OptionException($"unexpected argument '{a}'.");
            string name = a[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) value = args[++i];
            o._values[name] = value;
        }
        return o;
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        if (!_values.TryGetValue(name, out string? v)) return false;
        if (v is not null) throw new OptionException($"--{name} takes no value.");
        return true;
    }

    public string? String(string name)
    {
        _used.Add(name);
        if (!_values.TryGetValue(name, out string? v)) return null;
        return v ?? throw new OptionException($"--{name} needs a value.");
    }

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        string? s = String(name);
        if (s is null) return fallback;
        if (!int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out int v) || v < min || v > max)
            throw new OptionException($"--{name} must be a whole number in [{min}, {max}], not '{s}'.");
        return v;
    }

    public float Float(string name, float fallback)
    {
        string? s = String(name);
        if (s is null) return fallback;
        if (!float.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
            throw new OptionException($"--{name} must be a finite number, not '{s}'.");
        return v;
    }

    public KernelPath Path(string name = "path")
    {
        string? s = String(name);
        if (s is null) return KernelPath.Auto;
        if (!Enum.TryParse(s, ignoreCase: true, out KernelPath p) || !Enum.IsDefined(p))
            throw new OptionException($"--{name} must be one of auto, scalar, avx2, avx512, not '{s}'.");
        if (!KernelPaths.IsSupported(p))
            throw new OptionException($"--{name} {s}: this CPU (or the runtime's configuration) cannot run it. Available: {string.Join(", ", KernelPaths.Available)}.");
        return p;
    }

    /// <summary>Call after reading every option a command knows: anything left is a typo.</summary>
    public void RejectUnknown()
    {
        foreach (string k in _values.Keys)
            if (!_used.Contains(k)) throw new OptionException($"unknown option --{k}.");
    }
}

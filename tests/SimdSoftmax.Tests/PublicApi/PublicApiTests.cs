using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Xunit.Abstractions;

namespace SimdSoftmax.Tests.PublicApi;

/// <summary>
/// Pins the public surface of each package: the snapshot (one line per exported type and member, sorted) is compared
/// with what reflection finds, so every change to the surface is a deliberate edit of the snapshot in the same commit.
/// </summary>
public class PublicApiTests(ITestOutputHelper output)
{
    public const string UpdateVariable = "SIMDSOFTMAX_UPDATE_API";

    public static TheoryData<string> Packages => new() { "SimdSoftmax", "SimdSoftmax.Training" };

    [Theory, MemberData(nameof(Packages))]
    public void Public_api_matches_the_snapshot(string package)
    {
        Assembly assembly = package == "SimdSoftmax" ? typeof(Softmax).Assembly : typeof(SoftmaxClassifier).Assembly;
        string actual = string.Join("\n", Describe(assembly)) + "\n";
        string file = Path.Combine(SourceDirectory(), package + ".txt");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(file, actual);
            output.WriteLine($"Wrote {file}.");
            return;
        }
        string expected = File.Exists(file) ? File.ReadAllText(file).ReplaceLineEndings("\n") : "";
        if (expected == actual) return;
        var was = new HashSet<string>(expected.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var now = new HashSet<string>(actual.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var diff = new StringBuilder();
        foreach (string line in was.Except(now).Order(StringComparer.Ordinal)) diff.Append("- ").AppendLine(line);
        foreach (string line in now.Except(was).Order(StringComparer.Ordinal)) diff.Append("+ ").AppendLine(line);
        Assert.Fail($"The public API of {package} differs from {file}:\n{diff}\nIf the change is deliberate, regenerate the snapshot and commit it:\n" +
            $"  {UpdateVariable}=1 dotnet test tests/SimdSoftmax.Tests -c Release --filter FullyQualifiedName~PublicApiTests");
    }

    [Fact]
    public void The_description_lists_members_with_parameter_names_and_defaults()
    {
        var lines = Describe(typeof(Softmax).Assembly).ToList();
        Assert.Contains("M static SimdSoftmax.Softmax.Rows(System.ReadOnlySpan<float> x, System.Span<float> y, int cols, SimdSoftmax.KernelPath path = Auto) : void", lines);
        Assert.Contains("T public static class SimdSoftmax.Softmax", lines);
        Assert.DoesNotContain(lines, l => l.Contains("SoftmaxScalar")); // internal types stay out
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    /// <summary>One line per exported type ("T ...") and per public or protected member ("M/P/F/E/C ..."), sorted ordinally.</summary>
    public static IEnumerable<string> Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (Type type in assembly.GetExportedTypes())
        {
            lines.Add("T " + TypeKind(type) + " " + Name(type));
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (MemberInfo m in type.GetMembers(all))
            {
                string? line = m switch
                {
                    ConstructorInfo c when Visible(c) => $"C {Name(type)}({Parameters(c)})",
                    MethodInfo mi when Visible(mi) && !mi.IsSpecialName || mi is { IsSpecialName: true } && mi.Name.StartsWith("op_") && Visible(mi) =>
                        $"M {(mi.IsStatic ? "static " : "")}{Name(type)}.{mi.Name}{Generic(mi)}({Parameters(mi)}) : {Name(mi.ReturnType)}",
                    PropertyInfo p when Accessors(p).Any(Visible) =>
                        $"P {(Accessors(p).First(Visible).IsStatic ? "static " : "")}{Name(type)}.{p.Name} : {Name(p.PropertyType)} {{{string.Join(" ", Accessors(p).Where(Visible).Select(a => a == p.GetMethod ? "get;" : IsInit(a) ? "init;" : "set;"))}}}",
                    FieldInfo f when (f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly) && !f.IsSpecialName =>
                        $"F {(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Name(type)}.{f.Name} : {Name(f.FieldType)}{(f.IsLiteral && !type.IsEnum ? " = " + f.GetRawConstantValue() : f.IsLiteral ? " = " + Convert.ToInt64(f.GetRawConstantValue()) : "")}",
                    EventInfo e when e.AddMethod is { } add && Visible(add) => $"E {Name(type)}.{e.Name} : {Name(e.EventHandlerType!)}",
                    _ => null,
                };
                if (line is not null) lines.Add(line);
            }
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static bool Visible(MethodBase m) => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly;

    private static IEnumerable<MethodInfo> Accessors(PropertyInfo p) => new[] { p.GetMethod, p.SetMethod }.OfType<MethodInfo>();

    private static bool IsInit(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.FullName == "System.Runtime.CompilerServices.IsExternalInit");

    private static string TypeKind(Type t) =>
        t.IsEnum ? "public enum" :
        t.IsInterface ? "public interface" :
        t.IsValueType ? "public " + (t.IsByRefLike ? "ref " : "") + (t.GetCustomAttributes().Any(a => a.GetType().Name == "IsReadOnlyAttribute") ? "readonly " : "") + "struct" :
        typeof(Delegate).IsAssignableFrom(t) ? "public delegate" :
        "public " + (t.IsAbstract && t.IsSealed ? "static " : t.IsAbstract ? "abstract " : t.IsSealed ? "sealed " : "") + "class";

    private static string Generic(MethodInfo m) => m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : "";

    private static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(p =>
    {
        string modifier = p.ParameterType.IsByRef ? p.IsIn ? "in " : p.IsOut ? "out " : "ref " : "";
        Type t = p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType;
        string text = modifier + Name(t) + " " + p.Name;
        if (p.HasDefaultValue) text += " = " + (p.DefaultValue switch { null => "default", string s => "\"" + s + "\"", bool b => b ? "true" : "false", var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) });
        return text;
    }));

    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void", [typeof(bool)] = "bool", [typeof(int)] = "int", [typeof(long)] = "long", [typeof(float)] = "float",
        [typeof(double)] = "double", [typeof(string)] = "string", [typeof(object)] = "object", [typeof(byte)] = "byte", [typeof(uint)] = "uint",
        [typeof(ulong)] = "ulong", [typeof(short)] = "short", [typeof(nint)] = "nint",
    };

    public static string Name(Type t)
    {
        if (Keywords.TryGetValue(t, out string? k)) return k;
        if (t.IsArray) return Name(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        if (t.IsPointer) return Name(t.GetElementType()!) + "*";
        if (t.IsByRef) return Name(t.GetElementType()!) + "&";
        if (t.IsGenericParameter) return t.Name;
        if (Nullable.GetUnderlyingType(t) is { } u) return Name(u) + "?";
        string name = t.IsNested ? Name(t.DeclaringType!) + "." + t.Name : (t.Namespace is null ? "" : t.Namespace + ".") + t.Name;
        if (!t.IsGenericType) return name;
        int tick = name.IndexOf('`');
        if (tick >= 0) name = name[..tick];
        return name + "<" + string.Join(", ", t.GetGenericArguments().Select(Name)) + ">";
    }
}

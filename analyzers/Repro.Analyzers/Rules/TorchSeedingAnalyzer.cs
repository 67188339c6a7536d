using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;
using Repro.Analyzers.Seeding;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO1008 and REPRO1009, which need the whole compilation. In a program or test project they follow each entry
/// point (Main or the top-level statements, each test method) through the calls, constructors and container
/// resolutions it makes (<see cref="SeedingFlow"/>): torch randomness reached before <c>manual_seed</c> on some path,
/// and <c>manual_seed</c> (which seeds only the CPU generator in TorchSharp) on a path that then uses CUDA without
/// seeding it. A library, which has no entry point, is judged as a whole: randomness with no <c>manual_seed</c>
/// anywhere, and CPU-only seeding in a project that uses CUDA without
/// <c>torch.cuda.manual_seed_all</c> or <c>torch.cuda.manual_seed</c> (which seeds the current GPU: enough for a
/// single-GPU program, the common case). Repro's <c>TorchSeeds.ManualSeed</c> seeds both and satisfies both rules.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TorchSeedingAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor MissingSeedRule = RuleHelp.CompilationEndRule(
        RuleIds.MissingTorchSeed,
        title: "Torch randomness without torch.manual_seed",
        message: "'{0}' draws from torch's global generator {1}: weights, dropout and samples differ on every run",
        RuleCategories.Randomness,
        DiagnosticSeverity.Warning,
        description: "Random tensors, random initialisation (every Linear, Conv or RNN module), dropout and samplers draw from "
            + "torch's global generator, which starts from a different seed in every process unless the program seeds it.");

    internal static readonly DiagnosticDescriptor CpuOnlyRule = RuleHelp.CompilationEndRule(
        RuleIds.CpuOnlyTorchSeed,
        title: "manual_seed seeds only the CPU generator",
        message: "'{0}' seeds only the CPU generator in TorchSharp, and this project uses CUDA: add torch.cuda.manual_seed_all with the same seed",
        RuleCategories.Randomness,
        DiagnosticSeverity.Warning,
        description: "Unlike PyTorch, TorchSharp's torch.manual_seed and torch.random.manual_seed do not seed the CUDA "
            + "generators. Random tensors created on a GPU, and dropout on a GPU, differ on every run until "
            + "torch.cuda.manual_seed_all is called too.");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(MissingSeedRule, CpuOnlyRule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (TorchSymbols.TryCreate(start.Compilation) is not { } torch)
            {
                return;
            }

            // A program always has an entry point and is judged along it; a library is judged as a whole; a test
            // project is judged along its tests, or as a whole when it has none. Each collects only what it needs.
            var isProgram = start.Compilation.Options.OutputKind is OutputKind.ConsoleApplication or OutputKind.WindowsApplication;
            var followsEntryPoints = isProgram || CodeKinds.ReferencesTestFramework(start.Compilation);
            var flows = new FlowCollection(torch);
            if (followsEntryPoints)
            {
                start.RegisterOperationBlockAction(flows.Add);
            }

            var state = new State();
            if (!isProgram)
            {
                CudaUsage.Register(start, torch, state.AddCudaUse);
                start.RegisterOperationAction(
                    operation =>
                    {
                        if (operation.Operation.CallTarget() is { } method)
                        {
                            state.Observe(method, operation.Operation, torch);
                        }
                    },
                    OperationKind.Invocation,
                    OperationKind.MethodReference);
            }

            start.RegisterCompilationEndAction(end =>
            {
                var entryPoints = followsEntryPoints ? flows.EntryPoints(end.Compilation, end.CancellationToken).ToList() : new();
                if (entryPoints.Count == 0)
                {
                    state.Report(end);
                }
                else
                {
                    ReportFromEntryPoints(end, flows.CreateFlow(), entryPoints);
                }
            });
        });
    }

    private static void ReportFromEntryPoints(CompilationAnalysisContext end, SeedingFlow flow, List<(IMethodSymbol Method, string Name, bool IsTest)> entryPoints)
    {
        var reported = new HashSet<Location>();
        foreach (var (method, name, isTest) in entryPoints)
        {
            var findings = flow.RunEntryPoint(method, constructContainingType: isTest && !method.IsStatic);
            foreach (var draw in findings.UnseededDraws.OrderBy(d => d.Location.SourceTree?.FilePath, System.StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start))
            {
                if (reported.Add(draw.Location))
                {
                    end.ReportDiagnostic(Diagnostic.Create(MissingSeedRule, draw.Location, draw.Member, "before anything on the path from " + name + " calls torch.manual_seed"));
                }
            }

            foreach (var seed in findings.CpuOnlySeeds)
            {
                var target = TargetDevices.For(end.Options, seed.Location.SourceTree!);
                if (!findings.SeedsCudaSomewhere && target.CanOccur(DeviceScope.Cuda) && (findings.CudaBeforeCudaSeed || target == TargetDevice.Cuda) && reported.Add(seed.Location))
                {
                    end.ReportDiagnostic(Diagnostic.Create(CpuOnlyRule, seed.Location, seed.Member));
                }
            }
        }
    }

    /// <summary>What one compilation does with torch's generators; written from concurrent operation actions.</summary>
    private sealed class State
    {
        private readonly object _gate = new();
        private readonly List<(Location Location, string Member)> _draws = new();
        private readonly List<(IOperation Call, string Member)> _cpuSeeds = new();
        private bool _seedsCuda;
        private bool _usesCuda;

        public void AddCudaUse(Location location)
        {
            lock (_gate)
            {
                _usesCuda = true;
            }
        }

        public void Observe(IMethodSymbol method, IOperation operation, TorchSymbols torch)
        {
            var type = method.ContainingType;
            if (!TorchSymbols.IsTorchAssembly(type, torch))
            {
                return;
            }

            // A method group passes no generator, so it draws from the global one.
            var arguments = operation.CallArguments() ?? ImmutableArray<IArgumentOperation>.Empty;
            lock (_gate)
            {
                if (method.Name == "manual_seed" && (TorchSymbols.Is(type, torch.Torch) || TorchSymbols.Is(type, torch.Random)))
                {
                    _cpuSeeds.Add((operation, TorchSymbols.Is(type, torch.Torch) ? "torch.manual_seed" : "torch.random.manual_seed"));
                }
                else if (TorchSymbols.Is(type, torch.ReproTorchSeeds) || method.Is(torch.Cuda, "manual_seed_all") || method.Is(torch.Cuda, "manual_seed"))
                {
                    _seedsCuda = true;
                    _cpuSeeds.Add((operation, string.Empty));
                }
                else if (TorchRandomness.DrawsFromGlobalGenerator(method, arguments, torch))
                {
                    _draws.Add((Locations.OfCall(operation.Syntax), type.Name + "." + method.Name));
                }
            }
        }

        public void Report(CompilationAnalysisContext end)
        {
            lock (_gate)
            {
                if (_cpuSeeds.Count == 0 && _draws.Count > 0)
                {
                    var (location, member) = Locations.FirstInSource(_draws);
                    end.ReportDiagnostic(Diagnostic.Create(MissingSeedRule, location, member, "but nothing in this project calls torch.manual_seed"));
                }

                if (_seedsCuda)
                {
                    return;
                }

                foreach (var (call, member) in _cpuSeeds)
                {
                    var target = TargetDevices.For(end.Options, call.Syntax.SyntaxTree);
                    if (member.Length > 0 && target.CanOccur(DeviceScope.Cuda) && (_usesCuda || target == TargetDevice.Cuda))
                    {
                        end.ReportDiagnostic(Diagnostic.Create(CpuOnlyRule, call.Syntax.GetLocation(), member));
                    }
                }
            }
        }
    }
}

using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/benchmarks/Repro.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

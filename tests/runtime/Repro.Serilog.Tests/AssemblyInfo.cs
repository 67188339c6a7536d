// A run is process-wide (Run.Current): this assembly's tests start runs, so they take turns.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

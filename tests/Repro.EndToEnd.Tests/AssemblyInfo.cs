// Each test here drives whole processes (builds, training runs); on two cores they are faster,
// and their timings saner, one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

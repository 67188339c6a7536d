// libtorch's default generator is process-wide: a test seeding it while another draws from it
// would make both flaky, so this assembly's tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

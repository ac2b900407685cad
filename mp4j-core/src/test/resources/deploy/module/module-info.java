module app {
    requires dev.mp4j;
}

package io.txinsight.sandbox;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Checks, before anything starts, that the ports a command needs are free. */
final class Ports {

    private Ports() {}

    /**
     * @param what what the port is for, e.g. "the Flink web UI"
     * @param option the option that changes it, e.g. "--web-port"
     * @throws IllegalStateException saying which port is taken and how to pick another
     */
    static void requireFree(int port, String what, String option) {
        if (port == 0) {
            return;
        }
        // Bind the wildcard address: the Prometheus reporter and Kafka bind it too, and a port in use
        // on any interface would make them fail later with a less helpful message.
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "port " + port + " for " + what + " is already in use. Stop whatever holds it "
                            + "(e.g. `ss -ltnp 'sport = :" + port + "'` shows it) or choose another with "
                            + option + " " + (port + 10000 <= 65535 ? port + 10000 : port - 1000) + ".");
        }
    }
}

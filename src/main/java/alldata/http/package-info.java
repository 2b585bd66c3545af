/**
 * The client side of a node's HTTP API, one for every caller: nodes asking their peers (cluster reads, repair)
 * and the tools (get, scan, export, verify, repair, decommission). One HTTP stack ({@code java.net.http}), one
 * rule for addresses, one for the bearer token, one set of timeouts. The server side is
 * {@code alldata.sidecar.http}.
 */
package alldata.http;

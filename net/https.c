/** @file
 *
 * https:// URIs: HTTP over TLS (RFC 9110 section 4.2.2)
 *
 * The HTTP engine (net/http.c) does the requests; an https scheme gives
 * it transports that are TLS connections on TCP, made by net/tls.c and
 * pooled for keep-alive like plain ones.
 */

#include "net/http.h"
#include "net/tls.h"
#include "net/uri.h"
#include "core/xfer.h"
#include "core/feature.h"

FEATURE("HTTPS");

/**
 * Open a TLS connection to a URI's server
 *
 * @v socket		Endpoint to plug the connection into
 * @v uri		URI (its host, also the name the certificate must
 *			carry)
 * @v port		Port
 * @ret rc		Return status code
 */
static int https_connect(struct xfer *socket, struct uri *uri,
			 unsigned int port)
{
	return tls_open_socket(socket, uri->host, port);
}

/** The https scheme */
struct http_scheme https_scheme __http_scheme = {
	.name = "https",
	.port = HTTPS_PORT,
	.connect = https_connect,
};

/** The https:// URI opener */
struct uri_opener https_uri_opener __uri_opener = {
	.scheme = "https",
	.open = http_open,
};

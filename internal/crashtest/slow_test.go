package crashtest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// slowUpload is a PUT Object written by hand over its own connection, so
// the test decides when each byte of the body leaves.
type slowUpload struct {
	key     string
	conn    net.Conn
	body    []byte
	sent    int
	chunked bool
}

// beginUpload sends the request head of a signed PUT and the first n bytes
// of body. chunked uses Transfer-Encoding: chunked instead of
// Content-Length.
func beginUpload(c *cosClient, bucket, key string, body []byte, chunked bool, n int) (*slowUpload, error) {
	conn, err := net.DialTimeout("tcp", c.addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	path := objectPath(bucket, key)
	var h strings.Builder
	fmt.Fprintf(&h, "PUT %s HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\n", path, c.addr, c.sign("PUT", path, nil, nil))
	if chunked {
		h.WriteString("Transfer-Encoding: chunked\r\n")
	} else {
		fmt.Fprintf(&h, "Content-Length: %d\r\n", len(body))
	}
	h.WriteString("\r\n")
	u := &slowUpload{key: key, conn: conn, body: body, chunked: chunked}
	if _, err := io.WriteString(conn, h.String()); err != nil {
		conn.Close()
		return nil, err
	}
	return u, u.send(n)
}

// send writes the next n bytes of the body (fewer at its end).
func (u *slowUpload) send(n int) error {
	n = min(n, len(u.body)-u.sent)
	if n == 0 {
		return nil
	}
	p := u.body[u.sent : u.sent+n]
	u.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	var err error
	if u.chunked {
		_, err = fmt.Fprintf(u.conn, "%x\r\n%s\r\n", len(p), p)
	} else {
		_, err = u.conn.Write(p)
	}
	if err == nil {
		u.sent += n
	}
	return err
}

// finish sends the rest of the body in steps pieces, pause apart, and the
// chunked terminator.
func (u *slowUpload) finish(steps int, pause time.Duration) error {
	per := (len(u.body) - u.sent + steps - 1) / steps
	for u.sent < len(u.body) {
		time.Sleep(pause)
		if err := u.send(per); err != nil {
			return err
		}
	}
	if u.chunked {
		_, err := io.WriteString(u.conn, "0\r\n\r\n")
		return err
	}
	return nil
}

// response reads the answer.
func (u *slowUpload) response(timeout time.Duration) (*response, error) {
	u.conn.SetReadDeadline(time.Now().Add(timeout))
	resp, err := http.ReadResponse(bufio.NewReader(u.conn), nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

func (u *slowUpload) close() { u.conn.Close() }

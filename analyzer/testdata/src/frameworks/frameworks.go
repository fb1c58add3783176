package frameworks

import (
	"context"
	"net"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"
	echo5 "github.com/labstack/echo/v5"
)

type api struct{ *gin.Engine }

func main() {
	r := gin.Default()
	_ = r.Run(":8080")              // want `r.Run starts a server that is not restartable: run gracefulgen`
	_ = r.RunTLS(":8443", "c", "k") // want `r.RunTLS starts a server that is not restartable: run gracefulgen`
	_ = r.RunUnix("/tmp/s")         // want `r.RunUnix starts a server that is not restartable: run gracefulgen`
	l, _ := net.Listen("tcp", ":0") // want `net.Listen opens the listener of r.RunListener, which a restart does not inherit yet`
	_ = r.RunListener(l)            // want `r.RunListener starts a server that is not restartable: run gracefulgen`
	_ = r.RunFd(3)                  // want `r.RunFd is not restartable: gin's RunFd serves a socket inherited by descriptor number, which a restart cannot hand over; listen with net.Listen and call RunListener\(l\)`
	e := echo.New()
	_ = e.Start(":8080")                                                 // want `e.Start starts a server that is not restartable: run gracefulgen`
	_ = e.StartServer(&http.Server{Addr: ":8081", ReadHeaderTimeout: 1}) // want `e.StartServer starts a server that is not restartable: run gracefulgen`
	a := api{r}
	_ = a.Run() // want `a.Run starts a server that is not restartable: run gracefulgen`

	e5 := echo5.New()
	_ = e5.Start(":8080")                                                   // want `e5.Start starts a server that is not restartable: run gracefulgen`
	_ = echo5.StartConfig{Address: ":8080"}.Start(context.Background(), e5) // want `StartConfig{Address: ":8080"}.Start starts a server that is not restartable: run gracefulgen`
	sc := echo5.StartConfig{}
	_ = sc.StartTLS(context.Background(), e5, "c", "k") // want `sc.StartTLS is not restartable: echo v5's StartConfig.StartTLS builds its TLS listener inside`
}

package frameworks

import (
	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"
)

type api struct{ *gin.Engine }

func main() {
	r := gin.Default()
	_ = r.Run(":8080") // want `r.Run is not restartable: gin starts its net/http server itself, out of gracefulgen's reach; serve r through an http.Server instead`
	_ = r.RunTLS(":8443", "c", "k") // want `r.RunTLS is not restartable: gin starts`
	e := echo.New()
	_ = e.Start(":8080") // want `e.Start is not restartable: echo starts its net/http server itself`
	a := api{r}
	_ = a.Run() // want `a.Run is not restartable: gin starts`
}

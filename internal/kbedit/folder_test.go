package kbedit_test

import (
	"testing"

	"github.com/footbot/footbot/internal/kbedit"
	"github.com/footbot/footbot/internal/kbedit/storetest"
)

func TestFolderStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) kbedit.Store { return kbedit.NewFolder("", t.TempDir()) })
}
